namespace FastBroker.Load.Scenarios;

/// <summary>Runs every publisher of a scenario closed-loop, bounded by a count and --duration.</summary>
internal static class ClosedLoopPhase
{
    /// <summary>How the phase went.</summary>
    /// <param name="Error">The first publisher failure, or null.</param>
    /// <param name="Published">Messages published and acknowledged.</param>
    public readonly record struct Outcome(Exception? Error, long Published);

    /// <summary>
    /// Publishes <paramref name="count"/> messages across <paramref name="publishers"/> (split evenly), stopping
    /// early after --duration; stamps send times when <paramref name="stampClock"/> is given, and with
    /// <paramref name="sequenced"/> numbers the messages 0 to <paramref name="count"/> - 1 across the publishers
    /// (publisher <i>p</i> takes the range after those of the publishers before it). A failure cancels
    /// <paramref name="abort"/>, stopping the other publishers.
    /// </summary>
    public static async Task<Outcome> RunAsync(ScenarioContext context, IReadOnlyList<Targets.IPublisher> publishers, long count,
        TimeProvider? stampClock, CancellationTokenSource abort, bool sequenced = false)
    {
        using var stop = new CancellationTokenSource(context.Settings.Duration, context.Time);
        var quotas = Workers.Split(count, publishers.Count);
        var tasks = new Task<long>[publishers.Count];
        long next = 0;
        for (int i = 0; i < tasks.Length; i++)
        {
            var publisher = publishers[i];
            long quota = quotas[i];
            long? first = sequenced ? next : null;
            next += quota;
            var stats = context.Metrics.AddPublisher();
            var payload = context.NewPayload();
            tasks[i] = Task.Run(() => ClosedLoopPublisher.RunAsync(publisher, payload, quota, context.Settings.Window, stats,
                stampClock, stop.Token, abort.Token, first));
        }
        var error = await Workers.WhenAllAsync(tasks, abort).ConfigureAwait(false);
        long published = 0;
        foreach (var task in tasks)
            published += task.IsCompletedSuccessfully ? task.Result : 0;
        return new Outcome(error, published);
    }
}
