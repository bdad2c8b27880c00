namespace FastBroker.Load.Scenarios;

/// <summary>
/// When each message of an open-loop run is meant to be sent: message i at start + i / rate, computed from the
/// start every time (never by adding intervals, so rounding cannot drift), in timestamp ticks.
/// </summary>
internal readonly struct OpenLoopSchedule
{
    private readonly long _start;
    private readonly long _ratePerSecond;
    private readonly long _frequency;

    /// <summary>A schedule starting at <paramref name="startTimestamp"/> sending <paramref name="ratePerSecond"/>
    /// messages per second on a clock of <paramref name="timestampFrequency"/> ticks per second.</summary>
    public OpenLoopSchedule(long startTimestamp, long ratePerSecond, long timestampFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestampFrequency);
        _start = startTimestamp;
        _ratePerSecond = ratePerSecond;
        _frequency = timestampFrequency;
    }

    /// <summary>The first message's send time.</summary>
    public long Start => _start;

    /// <summary>Intended send time of message <paramref name="index"/> (0-based across all publishers).</summary>
    public long IntendedTimestamp(long index) => _start + (long)((Int128)index * _frequency / _ratePerSecond);

    /// <summary>Messages the schedule holds in <paramref name="duration"/>, at most <paramref name="limit"/>.</summary>
    public static long MessagesWithin(TimeSpan duration, long ratePerSecond, long limit)
        => Math.Min(limit, (long)((Int128)duration.Ticks * ratePerSecond / TimeSpan.TicksPerSecond));
}
