using System.Globalization;

namespace FastBroker.Server.Journal;

/// <summary>
/// The fsync policy of a partition journal, as configured by text: <c>always</c>, <c>never</c> or
/// <c>interval:&lt;ms&gt;</c> with 1 ≤ ms ≤ 60000. <see cref="Interval"/> is meaningful only for
/// <see cref="FsyncMode.Interval"/>.
/// </summary>
public readonly record struct FsyncPolicy(FsyncMode Mode, TimeSpan Interval)
{
    /// <summary>Longest interval the text form accepts, in milliseconds.</summary>
    public const int MaxIntervalMilliseconds = 60_000;

    private const string IntervalPrefix = "interval:";

    /// <summary>fdatasync in every commit, before the commit is acknowledged (the default).</summary>
    public static FsyncPolicy Always => new(FsyncMode.Always, TimeSpan.Zero);

    /// <summary>Leave flushing to the operating system; acknowledged data can be lost on power failure.</summary>
    public static FsyncPolicy Never => new(FsyncMode.Never, TimeSpan.Zero);

    /// <summary>fdatasync written data at most <paramref name="interval"/> after it was written.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval is not a whole number of milliseconds in 1..60000.</exception>
    public static FsyncPolicy EveryInterval(TimeSpan interval)
    {
        // Whole milliseconds only, so that ToString round-trips through TryParse.
        if (interval < TimeSpan.FromMilliseconds(1) || interval > TimeSpan.FromMilliseconds(MaxIntervalMilliseconds)
            || interval.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The fsync interval must be a whole number of milliseconds in 1..60000.");
        }
        return new FsyncPolicy(FsyncMode.Interval, interval);
    }

    /// <summary>
    /// Parses <c>always</c>, <c>never</c> or <c>interval:&lt;ms&gt;</c> (keywords case-insensitive, ms in 1..60000,
    /// digits only). Returns false and leaves <paramref name="policy"/> default on anything else.
    /// </summary>
    public static bool TryParse(string? text, out FsyncPolicy policy)
    {
        policy = default;
        if (text is null) return false;
        if (text.Equals("always", StringComparison.OrdinalIgnoreCase))
        {
            policy = Always;
            return true;
        }
        if (text.Equals("never", StringComparison.OrdinalIgnoreCase))
        {
            policy = Never;
            return true;
        }
        if (!text.StartsWith(IntervalPrefix, StringComparison.OrdinalIgnoreCase)) return false;

        if (!int.TryParse(text.AsSpan(IntervalPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int ms)
            || ms < 1 || ms > MaxIntervalMilliseconds)
        {
            return false;
        }
        policy = new FsyncPolicy(FsyncMode.Interval, TimeSpan.FromMilliseconds(ms));
        return true;
    }

    /// <summary>The text form accepted by <see cref="TryParse"/>.</summary>
    public override string ToString() => Mode switch
    {
        FsyncMode.Always => "always",
        FsyncMode.Never => "never",
        _ => string.Create(CultureInfo.InvariantCulture, $"{IntervalPrefix}{(long)Interval.TotalMilliseconds}"),
    };
}
