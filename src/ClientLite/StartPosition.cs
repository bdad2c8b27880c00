namespace FastBroker.ClientLite;

/// <summary>Where a <see cref="TopicReader"/> starts in a partition that has no committed position for its group.</summary>
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

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        StartPositionKind.Offset => $"offset {Value}",
        StartPositionKind.Time => "at " + DateTimeOffset.FromUnixTimeMilliseconds(Value).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
