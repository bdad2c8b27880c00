using FastBroker.Wire.Filters;

namespace FastBroker.Wire.Messages.Queues;

/// <summary>
/// The settings of a shared subscription, as carried by CreateSubscription and the SubscriptionStats response.
/// </summary>
/// <param name="VisibilityTimeoutMs">How long a delivered message stays hidden before it is delivered again (1..12 h).</param>
/// <param name="MaxDeliveries">Deliveries without an ack before a message moves to the dead-letter topic (1..1000).</param>
/// <param name="DeadLetterTopic">Where such messages go; empty in a request means the default name.</param>
/// <param name="MaxInFlight">Messages delivered and not yet acked, at most; receives wait above it.</param>
/// <param name="AckMode">Explicit acks, or none (acked on delivery).</param>
/// <remarks>
/// <see cref="Filter"/> and <see cref="DeadLetterExpired"/> are the optional trailing fields of CreateSubscription
/// (PROTOCOL.md sections 5.12 and 8.13); their defaults (no filter, expired messages dropped) are what a request
/// without them means.
/// </remarks>
public readonly record struct SubscriptionSettings(
    uint VisibilityTimeoutMs,
    ushort MaxDeliveries,
    string DeadLetterTopic,
    uint MaxInFlight,
    AckMode AckMode)
{
    private readonly string? _filter;

    /// <summary>The filter text (PROTOCOL.md section 14) a message must match to be delivered; empty for none.
    /// Messages that do not match are settled without delivery.</summary>
    public string Filter
    {
        get => _filter ?? "";
        // Stored as null when empty, so a default value and one with no filter are equal.
        init => _filter = string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>Whether expired messages (PROTOCOL.md section 6.6) go to the dead-letter topic, with reason
    /// <see cref="DeadLetterHeaders.ExpiredReason"/>, instead of being dropped.</summary>
    public bool DeadLetterExpired { get; init; }

    /// <summary>Whether messages are ordered by their record key (PROTOCOL.md section 8.11): messages with the same
    /// key are delivered in offset order, at most one of a key in flight at a time, in parallel across keys; a record
    /// without a key is ordered with nothing.</summary>
    public bool KeyOrdered { get; init; }

    /// <summary>The options byte of CreateSubscription and SubscriptionStats: bit 0 is <see cref="DeadLetterExpired"/>,
    /// bit 1 <see cref="KeyOrdered"/>.</summary>
    public byte Options => (byte)((DeadLetterExpired ? OptionDeadLetterExpired : 0) | (KeyOrdered ? OptionKeyOrdered : 0));

    /// <summary>Bit 0 of the options byte: dead-letter expired messages.</summary>
    public const byte OptionDeadLetterExpired = 1;

    /// <summary>Bit 1 of the options byte: order messages by record key.</summary>
    public const byte OptionKeyOrdered = 2;

    /// <summary>Every options bit defined in this version; a request with any other bit set is invalid.</summary>
    public const byte KnownOptions = OptionDeadLetterExpired | OptionKeyOrdered;

    /// <summary>The settings carrying the flags of an options byte (bits outside <see cref="KnownOptions"/> ignored).</summary>
    public SubscriptionSettings WithOptions(byte options) => this with
    {
        DeadLetterExpired = (options & OptionDeadLetterExpired) != 0,
        KeyOrdered = (options & OptionKeyOrdered) != 0,
    };

    /// <summary>Default visibility timeout: 30 s, as SQS.</summary>
    public const uint DefaultVisibilityTimeoutMs = 30_000;

    /// <summary>Default max deliveries.</summary>
    public const ushort DefaultMaxDeliveries = 5;

    /// <summary>Default max in flight.</summary>
    public const uint DefaultMaxInFlight = 100_000;

    /// <summary>The defaults, with the dead-letter topic left to the broker.</summary>
    public static SubscriptionSettings Default { get; } =
        new(DefaultVisibilityTimeoutMs, DefaultMaxDeliveries, "", DefaultMaxInFlight, AckMode.Explicit);

    /// <summary>The dead-letter topic the broker picks when none is given: <c>TOPIC.dlq</c> for a queue (the
    /// subscription named as its topic), <c>TOPIC.SUBSCRIPTION.dlq</c> otherwise.</summary>
    public static string DefaultDeadLetterTopic(string topic, string subscription)
        => topic == subscription ? topic + ".dlq" : topic + "." + subscription + ".dlq";

    /// <summary>Why the settings are out of range, or null when they are fine.</summary>
    public string? Validate()
    {
        if (VisibilityTimeoutMs is 0 or > Protocol.MaxVisibilityTimeoutMs)
            return $"visibility timeout must be 1..{Protocol.MaxVisibilityTimeoutMs} ms, not {VisibilityTimeoutMs}";
        if (MaxDeliveries is 0 or > Protocol.MaxDeliveriesLimit)
            return $"max deliveries must be 1..{Protocol.MaxDeliveriesLimit}, not {MaxDeliveries}";
        if (MaxInFlight is 0 or > Protocol.MaxInFlightLimit)
            return $"max in flight must be 1..{Protocol.MaxInFlightLimit}, not {MaxInFlight}";
        if (AckMode is not (AckMode.Explicit or AckMode.None))
            return $"ack mode must be 0 (explicit) or 1 (none), not {(byte)AckMode}";
        if (Filter.Length > 0 && !MessageFilter.TryParse(Filter, out _, out string? error))
            return "invalid filter: " + error;
        return null;
    }
}
