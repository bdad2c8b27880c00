using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Filters;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.ClientLite;

/// <summary>
/// Settings of a shared subscription (a queue), fixed when it is created. Every property checks its value when it
/// is set and throws <see cref="ArgumentException"/> (or <see cref="ArgumentOutOfRangeException"/>) outside the
/// range the broker accepts.
/// </summary>
public sealed class QueueOptions
{
    /// <summary>
    /// How long a delivered message stays hidden from other consumers before it is delivered again unless acked
    /// (1 ms .. 12 h, whole milliseconds). A receive or subscribe may override it for its own deliveries. Default 30 s.
    /// </summary>
    public TimeSpan VisibilityTimeout
    {
        get;
        init => field = QueueLimits.CheckVisibility(value, nameof(VisibilityTimeout));
    } = TimeSpan.FromMilliseconds(SubscriptionSettings.DefaultVisibilityTimeoutMs);

    /// <summary>
    /// Deliveries without an ack after which the broker moves a message to <see cref="DeadLetterTopic"/>
    /// (1 .. 1000). Default 5.
    /// </summary>
    public int MaxDeliveries
    {
        get;
        init
        {
            if (value < 1 || value > Protocol.MaxDeliveriesLimit)
                throw new ArgumentOutOfRangeException(nameof(MaxDeliveries), value, $"Max deliveries must be between 1 and {Protocol.MaxDeliveriesLimit}.");
            field = value;
        }
    } = SubscriptionSettings.DefaultMaxDeliveries;

    /// <summary>
    /// The topic dead letters go to, created by the broker on first use. Null (the default) means
    /// <c>TOPIC.dlq</c> for a queue and <c>TOPIC.SUBSCRIPTION.dlq</c> for another subscription. Must follow the
    /// topic-name rules: 1..249 characters of [A-Za-z0-9._-].
    /// </summary>
    public string? DeadLetterTopic
    {
        get;
        init
        {
            if (value is not null && !QueueLimits.IsValidTopicName(value))
                throw new ArgumentException($"'{value}' is not a valid topic name: use 1-{Protocol.MaxTopicNameBytes} characters of [A-Za-z0-9._-].", nameof(DeadLetterTopic));
            field = value;
        }
    }

    /// <summary>
    /// Messages delivered and not yet settled, at most, over all consumers; above it receives wait and pushes stall
    /// (1 .. 10,000,000). Default 100,000.
    /// </summary>
    public int MaxInFlight
    {
        get;
        init
        {
            if (value < 1 || value > Protocol.MaxInFlightLimit)
                throw new ArgumentOutOfRangeException(nameof(MaxInFlight), value, $"Max in flight must be between 1 and {Protocol.MaxInFlightLimit}.");
            field = value;
        }
    } = (int)SubscriptionSettings.DefaultMaxInFlight;

    /// <summary>Explicit acks (at-least-once, the default) or none (at-most-once).</summary>
    public QueueAckMode AckMode
    {
        get;
        init
        {
            if (value is not (QueueAckMode.Explicit or QueueAckMode.None))
                throw new ArgumentOutOfRangeException(nameof(AckMode), value, "The ack mode must be Explicit or None.");
            field = value;
        }
    } = QueueAckMode.Explicit;

    /// <summary>
    /// A filter on the message's key and headers (PROTOCOL.md section 14), such as
    /// <c>key ~ "eu.#" and header(type) = "created"</c>: only matching messages are delivered; the others are settled
    /// by the broker without delivery and counted in <see cref="QueueStats.Filtered"/>. Null or empty (the default)
    /// means every message. Checked when set: an invalid filter throws <see cref="ArgumentException"/> with the
    /// parser's message. Needs a broker that supports filtered subscriptions; older ones reject the create as malformed.
    /// </summary>
    public string? Filter
    {
        get;
        init
        {
            if (!string.IsNullOrEmpty(value) && !MessageFilter.TryParse(value, out _, out string? error))
                throw new ArgumentException("invalid filter: " + error, nameof(Filter));
            field = string.IsNullOrEmpty(value) ? null : value;
        }
    }

    /// <summary>
    /// Whether expired messages (header <c>fb-expires</c>, PROTOCOL.md section 6.6) go to <see cref="DeadLetterTopic"/>
    /// with <c>fb-dlq-reason: expired</c>. False (the default): they are dropped and counted in
    /// <see cref="QueueStats.Expired"/>. Either way they are never delivered.
    /// </summary>
    public bool DeadLetterExpired { get; init; }

    /// <summary>
    /// The order messages are handed out in: <see cref="QueueOrdering.None"/> (the default) or
    /// <see cref="QueueOrdering.Key"/>, one message of a key out at a time, in offset order. Key ordering needs a broker
    /// that supports it (older ones reject the create as an invalid argument).
    /// </summary>
    public QueueOrdering Ordering
    {
        get;
        init
        {
            if (value is not (QueueOrdering.None or QueueOrdering.Key)) throw new ArgumentOutOfRangeException(nameof(Ordering), value, "unknown ordering");
            field = value;
        }
    }

    /// <summary>
    /// Where the subscription starts in each partition when it is created: <see cref="StartPosition.Latest"/> (the
    /// default: only messages published from then on), <see cref="StartPosition.Earliest"/> (every message the topic
    /// still stores), <see cref="StartPosition.Offset"/> (clamped to each partition's stored range) or
    /// <see cref="StartPosition.At"/> (the first message stamped at or after a time, per partition). Messages below
    /// the start are never delivered. Any start but latest needs a broker that supports it; older ones reject the
    /// create as malformed.
    /// </summary>
    public StartPosition Start { get; init; } = StartPosition.Latest;

    internal static QueueOptions Default { get; } = new();
}
