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

    /// <summary>The offset, for <see cref="StartPositionKind.Offset"/>.</summary>
    public long Value { get; }

    /// <summary>A fixed offset, the same in every partition read; a partition that does not hold it starts at its
    /// nearest end (its start when the offset is below it, its end when above).</summary>
    public static StartPosition Offset(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return new StartPosition(StartPositionKind.Offset, offset);
    }

    /// <inheritdoc/>
    public override string ToString() => Kind == StartPositionKind.Offset ? $"offset {Value}" : Kind.ToString().ToLowerInvariant();
}
