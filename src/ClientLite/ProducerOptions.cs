namespace FastBroker.ClientLite;

/// <summary>Batching and expiry settings of a <see cref="Producer"/>.</summary>
public sealed class ProducerOptions
{
    /// <summary>A batch is sent once it holds this many encoded bytes. Default 256 KiB.</summary>
    public int MaxBatchBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// How long an open batch waits for more messages before it is sent anyway; zero sends every message as it
    /// comes. Default 1 ms. Measured with the connection's <see cref="TimeProvider"/>.
    /// </summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Batches sent and not yet acknowledged, at most. When this many are outstanding,
    /// <see cref="Producer.SendAsync(ReadOnlyMemory{byte}, ReadOnlyMemory{byte}?, int?, ReadOnlyMemory{FastBroker.Wire.Records.RecordHeader}, CancellationToken)"/> waits for one to be acknowledged before it accepts a message. Default 64.
    /// </summary>
    public int MaxInFlightBatches { get; init; } = 64;

    /// <summary>
    /// When set, every message sent without its own expiry expires this long after its timestamp (the header
    /// <c>fb-expires</c>, PROTOCOL.md section 6.6). Must be positive. Default null: messages do not expire.
    /// </summary>
    public TimeSpan? DefaultTimeToLive { get; init; }

    internal static ProducerOptions Default { get; } = new();
}
