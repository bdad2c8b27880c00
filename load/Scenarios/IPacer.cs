namespace FastBroker.Load.Scenarios;

/// <summary>Waits until a timestamp: the open-loop publisher's only way of passing time, so tests can drive it.</summary>
internal interface IPacer
{
    /// <summary>Returns once the clock reads at least <paramref name="timestamp"/>; completes synchronously when it
    /// already does.</summary>
    ValueTask WaitUntilAsync(long timestamp, CancellationToken cancellationToken);
}
