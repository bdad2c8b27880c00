namespace FastBroker.ClientLite;

/// <summary>Batching, expiry and idempotence settings of a <see cref="Producer"/>.</summary>
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

    /// <summary>
    /// Whether the producer is idempotent (PROTOCOL.md 5.7): it obtains a producer id from the broker and numbers its
    /// batches per partition, so a batch it sends again after an unknown outcome is stored once and answered with the
    /// offset it got the first time. It then retries failed sends by itself, in order, for up to
    /// <see cref="DeliveryTimeout"/>: after a storage error, and, for a producer made by
    /// <see cref="Producer.ConnectAsync"/>, after a lost connection (it reconnects). At most 64 batches are then in
    /// flight (<see cref="MaxInFlightBatches"/> above 64 is refused), as many as the broker remembers per producer.
    /// False writes no producer fields (-1) and never retries. Default true.
    /// </summary>
    public bool Idempotent { get; init; } = true;

    /// <summary>
    /// How long an idempotent producer keeps retrying a batch, from its first send, before its messages fail with the
    /// last error. Default 2 minutes.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// First delay before a producer made by <see cref="Producer.ConnectAsync"/> reconnects, and the delay before it
    /// resends after a storage error; reconnect delays double (jittered) up to <see cref="MaxReconnectBackoff"/>.
    /// Default 100 ms.
    /// </summary>
    public TimeSpan InitialReconnectBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between two reconnect attempts. Default 5 s.</summary>
    public TimeSpan MaxReconnectBackoff { get; init; } = TimeSpan.FromSeconds(5);

    internal static ProducerOptions Default { get; } = new();
}
