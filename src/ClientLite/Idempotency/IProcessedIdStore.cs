namespace FastBroker.ClientLite.Idempotency;

/// <summary>
/// Remembers which message ids have been processed, so a message delivered more than once (at-least-once delivery)
/// has its effects applied once. Implementations must be thread-safe.
/// </summary>
public interface IProcessedIdStore
{
    /// <summary>
    /// Records <paramref name="id"/> as processed. Returns true the first time (go ahead and process), false when
    /// it was recorded before (a duplicate: skip it).
    /// </summary>
    ValueTask<bool> TryMarkProcessedAsync(string id, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="id"/> again, because processing it failed and it must be processed when it comes back.</summary>
    ValueTask ForgetAsync(string id, CancellationToken cancellationToken);
}
