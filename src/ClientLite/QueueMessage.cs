using FastBroker.Wire.Records;

namespace FastBroker.ClientLite;

/// <summary>
/// One message delivered from a shared subscription, held by this consumer until it is acked, nacked or its
/// visibility timeout passes (then another consumer may get it). <see cref="Key"/>, <see cref="Value"/> and
/// <see cref="Headers"/> are the message's own memory (shared with the other messages of its delivery, never
/// reused), so they stay valid for as long as the message is referenced. Thread-safe.
/// </summary>
public sealed class QueueMessage
{
    private PushSubscription? _push;

    internal QueueMessage(QueueConsumer consumer, PushSubscription? push, int partition, long offset, long timestampMs,
        bool hasKey, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, ReadOnlyMemory<byte> headers, int headerCount, int deliveryCount)
    {
        Consumer = consumer;
        _push = push;
        Partition = partition;
        Offset = offset;
        TimestampMs = timestampMs;
        HasKey = hasKey;
        Key = key;
        Value = value;
        Headers = headers;
        HeaderCount = headerCount;
        DeliveryCount = deliveryCount;
    }

    /// <summary>The consumer that received the message; its acks go through it.</summary>
    public QueueConsumer Consumer { get; }

    /// <summary>The topic the message was published to.</summary>
    public string Topic => Consumer.Topic;

    /// <summary>The message's partition.</summary>
    public int Partition { get; }

    /// <summary>The message's offset in its partition: with <see cref="Partition"/>, its identity in the topic.</summary>
    public long Offset { get; }

    /// <summary>Producer timestamp, milliseconds since the Unix epoch.</summary>
    public long TimestampMs { get; }

    /// <summary>Producer timestamp.</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs);

    /// <summary>False when the message was published without a key (an empty key is a key).</summary>
    public bool HasKey { get; }

    /// <summary>The key (empty when <see cref="HasKey"/> is false).</summary>
    public ReadOnlyMemory<byte> Key { get; }

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>The encoded headers; walk them with <see cref="RecordHeaderReader"/> or use <see cref="TryGetHeader"/>.</summary>
    public ReadOnlyMemory<byte> Headers { get; }

    /// <summary>Number of headers.</summary>
    public int HeaderCount { get; }

    /// <summary>How many times the message has been delivered, this delivery included: 1 the first time.</summary>
    public int DeliveryCount { get; }

    /// <summary>The value of the first header named <paramref name="name"/>; false when there is none.</summary>
    public bool TryGetHeader(string name, out ReadOnlyMemory<byte> value) => Internal.HeaderLookup.TryFind(Headers, name, out value);

    /// <summary>
    /// Acknowledges the message: it is done and is never delivered again. Completes when the broker answers, which
    /// it does only once the ack is durable under its fsync policy; acks of many messages of one consumer travel
    /// together in one frame. An ack after the visibility timeout still counts unless the message was already acked.
    /// <paramref name="cancellationToken"/> stops the wait only: the ack may still be applied. Fails with
    /// <see cref="BrokerConnectionException"/> when the connection is lost (the ack may or may not have been applied;
    /// the message comes back if not).
    /// </summary>
    public ValueTask AckAsync(CancellationToken cancellationToken = default) => Consumer.AckOne(this, cancellationToken);

    /// <summary>
    /// Gives the message back: it becomes visible again after <paramref name="delay"/> (0 .. 12 h; zero: at once),
    /// its delivery count kept, so a message nacked on its last allowed delivery goes to the dead-letter topic.
    /// Applies only while the message is in flight to this connection; otherwise nothing happens.
    /// </summary>
    public ValueTask NackAsync(TimeSpan delay = default, CancellationToken cancellationToken = default)
        => Consumer.NackAsync([this], delay, cancellationToken);

    /// <summary>
    /// Keeps the message hidden for <paramref name="visibility"/> (1 ms .. 12 h) from now, for work that takes
    /// longer than its visibility timeout. Applies only while it is in flight to this connection.
    /// </summary>
    public ValueTask ExtendAsync(TimeSpan visibility, CancellationToken cancellationToken = default)
        => Consumer.ExtendAsync([this], visibility, cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => $"{Topic}/{Partition}@{Offset} (delivery {DeliveryCount})";

    /// <summary>
    /// Marks the message settled (acked, nacked, or consumed under ack mode none) once; returns the push
    /// subscription whose credit it held, or null when it held none or was settled before.
    /// </summary>
    internal PushSubscription? TakeCredit() => Interlocked.Exchange(ref _push, null);
}
