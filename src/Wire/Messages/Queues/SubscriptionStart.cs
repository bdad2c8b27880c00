namespace FastBroker.Wire.Messages.Queues;

/// <summary>
/// A start position of a shared subscription (PROTOCOL.md sections 5.12 and 5.25), as carried on the wire: a kind
/// byte and an i64 value (the offset, or the time in ms since the Unix epoch; 0 for <see cref="SubscriptionStartKind.Latest"/>
/// and <see cref="SubscriptionStartKind.Earliest"/>).
/// </summary>
/// <param name="Kind">Which position.</param>
/// <param name="Value">The offset or time; 0 for latest and earliest.</param>
public readonly record struct SubscriptionStart(SubscriptionStartKind Kind, long Value)
{
    /// <summary>Bytes of the start on the wire: u8 kind, i64 value.</summary>
    public const int Size = 9;

    /// <summary>The log end of each partition (what a create without a start means).</summary>
    public static SubscriptionStart Latest => new(SubscriptionStartKind.Latest, 0);

    /// <summary>The log start of each partition.</summary>
    public static SubscriptionStart Earliest => new(SubscriptionStartKind.Earliest, 0);

    /// <summary>Why the start is invalid (an unknown kind, a negative offset or time, a value with latest or
    /// earliest), or null when the broker accepts it.</summary>
    public string? Validate() => Kind switch
    {
        SubscriptionStartKind.Latest or SubscriptionStartKind.Earliest when Value != 0
            => $"the start value must be 0 for {Kind.ToString().ToLowerInvariant()}, not {Value}",
        SubscriptionStartKind.Latest or SubscriptionStartKind.Earliest => null,
        SubscriptionStartKind.Offset when Value < 0 => $"the start offset must not be negative, not {Value}",
        SubscriptionStartKind.Time when Value < 0 => $"the start time must not be negative, not {Value}",
        SubscriptionStartKind.Offset or SubscriptionStartKind.Time => null,
        _ => $"unknown start kind {(byte)Kind}: 0 = latest, 1 = earliest, 2 = offset, 3 = time",
    };

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        SubscriptionStartKind.Offset => $"offset {Value}",
        SubscriptionStartKind.Time => $"time {Value}",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
