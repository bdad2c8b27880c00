namespace FastBroker.ClientLite;

/// <summary>Thrown by <see cref="Producer.FlushAsync"/> when batches failed since the previous flush.</summary>
public sealed class ProducerException : Exception
{
    /// <summary>Creates the exception for <paramref name="failures"/> (at least one).</summary>
    public ProducerException(IReadOnlyList<ProducerFailure> failures)
        : base(Describe(failures), failures.Count > 0 ? failures[0].Error : null)
    {
        Failures = failures;
        long messages = 0;
        foreach (var failure in failures)
            messages += failure.Count;
        FailedMessageCount = messages;
    }

    /// <summary>The failed batches, in the order they failed.</summary>
    public IReadOnlyList<ProducerFailure> Failures { get; }

    /// <summary>Messages that were not acknowledged.</summary>
    public long FailedMessageCount { get; }

    private static string Describe(IReadOnlyList<ProducerFailure> failures)
    {
        long messages = 0;
        foreach (var failure in failures)
            messages += failure.Count;
        string first = failures.Count > 0 ? failures[0].Error.Message : "unknown";
        return $"{messages} message(s) in {failures.Count} batch(es) were not acknowledged; first error: {first}";
    }
}
