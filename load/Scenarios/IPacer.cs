namespace FastBroker.Load.Scenarios;

/// <summary>Waits until a timestamp: the open-loop sender's only way of passing time, so tests can drive it.</summary>
internal interface IPacer
{
    /// <summary>Returns once the clock reads at least <paramref name="timestamp"/> (at once when it already does).
    /// Blocks the calling thread, which is the sender's own.</summary>
    void WaitUntil(long timestamp, CancellationToken cancellationToken);
}
