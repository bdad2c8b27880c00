namespace FastBroker.Load.Scenarios;

/// <summary>Helpers for the loops a scenario runs side by side.</summary>
internal static class Workers
{
    /// <summary>
    /// Waits for every task. The first failure cancels <paramref name="abort"/> so the other loops stop rather
    /// than run on for nothing, and is returned; cancellations caused by that (or by the user) are not failures.
    /// </summary>
    public static async Task<Exception?> WhenAllAsync(IReadOnlyList<Task> tasks, CancellationTokenSource abort)
    {
        var remaining = new List<Task>(tasks);
        Exception? first = null;
        while (remaining.Count > 0)
        {
            var done = await Task.WhenAny(remaining).ConfigureAwait(false);
            remaining.Remove(done);
            if (done.IsFaulted && first is null)
            {
                first = done.Exception!.InnerException ?? done.Exception;
                if (first is OperationCanceledException && abort.IsCancellationRequested)
                {
                    first = null;
                    continue;
                }
                await abort.CancelAsync().ConfigureAwait(false);
            }
        }
        return first;
    }

    /// <summary>Splits <paramref name="total"/> into <paramref name="parts"/> quotas differing by at most one.</summary>
    public static long[] Split(long total, int parts)
    {
        var quotas = new long[parts];
        for (int i = 0; i < parts; i++)
            quotas[i] = total / parts + (i < total % parts ? 1 : 0);
        return quotas;
    }

    /// <summary>Text for a failure in a report: the message of the innermost useful exception.</summary>
    public static string Describe(Exception error)
    {
        var e = error is AggregateException { InnerException: { } inner } ? inner : error;
        return $"{e.GetType().Name}: {e.Message}";
    }
}
