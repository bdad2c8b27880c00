namespace FastBroker.ClientLite;

/// <summary>Where a <see cref="TopicReader"/> starts in a partition that has no committed position for its group, and
/// where a shared subscription starts (<see cref="QueueOptions.Start"/>) or is moved to
/// (<see cref="BrokerConnection.ResetSubscriptionAsync"/>).</summary>
public readonly record struct StartPosition
{
    private StartPosition(StartPositionKind kind, long value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>The oldest record the partition still stores.</summary>
    public static StartPosition Earliest => new(StartPositionKind.Earliest, 0);

    /// <summary>The partition's end when the reader starts: only records published afterwards are read.</summary>
    public static StartPosition Latest => new(StartPositionKind.Latest, 0);

    /// <summary>Which kind of position this is.</summary>
    public StartPositionKind Kind { get; }

    /// <summary>The offset, for <see cref="StartPositionKind.Offset"/>; the time in ms since the Unix epoch, for <see cref="StartPositionKind.Time"/>.</summary>
    public long Value { get; }

    /// <summary>A fixed offset, the same in every partition read; a partition that does not hold it starts at its
    /// nearest end (its start when the offset is below it, its end when above).</summary>
    public static StartPosition Offset(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return new StartPosition(StartPositionKind.Offset, offset);
    }

    /// <summary>
    /// The first record stamped at or after <paramref name="time"/>, found by the broker in each partition when the
    /// reader starts it (ListOffsets, PROTOCOL.md 5.24; record timestamps are taken as their running maximum). A
    /// partition with nothing that recent starts at its end; a time before its oldest record, at its start. Like every
    /// start position it applies only to a partition for which the group has no committed position.
    /// </summary>
    public static StartPosition At(DateTimeOffset time)
        => new(StartPositionKind.Time, Math.Max(0, time.ToUnixTimeMilliseconds()));

    // The wire form of CreateSubscription and ResetSubscription (PROTOCOL.md sections 5.12 and 5.25).
    internal FastBroker.Wire.Messages.Queues.SubscriptionStart ToSubscriptionStart() => new(Kind switch
    {
        StartPositionKind.Earliest => FastBroker.Wire.Messages.Queues.SubscriptionStartKind.Earliest,
        StartPositionKind.Offset => FastBroker.Wire.Messages.Queues.SubscriptionStartKind.Offset,
        StartPositionKind.Time => FastBroker.Wire.Messages.Queues.SubscriptionStartKind.Time,
        _ => FastBroker.Wire.Messages.Queues.SubscriptionStartKind.Latest,
    }, Value);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        StartPositionKind.Offset => $"offset {Value}",
        StartPositionKind.Time => "at " + DateTimeOffset.FromUnixTimeMilliseconds(Value).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
