using System.Globalization;
using FastBroker.Server.Durability;
using FastBroker.Server.Journal.Internal;

namespace FastBroker.Server.Journal;

/// <summary>
/// Refuses publishes early while the data directory's filesystem has less free space than configured, so that what
/// must still be written after a publish is refused — acks, positions, checkpoints, deletions' bookkeeping — has room.
/// The free space is sampled (statvfs) at most once per <see cref="SampleInterval"/> by whichever caller finds the
/// sample stale; every other check is two reads. Thread-safe.
/// </summary>
public sealed class FreeSpaceWatermark
{
    /// <summary>Longest time a sample is trusted: a filling disk is noticed within about this long.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    private readonly string _directory;
    private readonly long _minFreeBytes;
    private readonly TimeProvider _time;
    private readonly Func<string, long> _probe;
    private readonly long _intervalTicks;
    private long _nextSampleAt;
    private string? _refusal;

    /// <summary>A watermark of <paramref name="minFreeBytes"/> (0 disables it) over the filesystem holding <paramref name="directory"/>.</summary>
    public FreeSpaceWatermark(string directory, long minFreeBytes, TimeProvider time)
        : this(directory, minFreeBytes, time, AvailableBytes)
    {
    }

    /// <summary>As the public constructor, with the free-space probe replaced (tests).</summary>
    internal FreeSpaceWatermark(string directory, long minFreeBytes, TimeProvider time, Func<string, long> probe)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minFreeBytes);
        _directory = directory;
        _minFreeBytes = minFreeBytes;
        _time = time;
        _probe = probe;
        _intervalTicks = (long)(SampleInterval.TotalSeconds * time.TimestampFrequency);
        _nextSampleAt = long.MinValue;
    }

    /// <summary>The configured minimum; 0 when the watermark is off.</summary>
    public long MinFreeBytes => _minFreeBytes;

    /// <summary>
    /// True, with the reason and the remedy, while the last sample was below the watermark. Takes a new sample when the
    /// last one is older than <see cref="SampleInterval"/>.
    /// </summary>
    public bool IsBelow(out string refusal)
    {
        refusal = "";
        if (_minFreeBytes == 0) return false;
        long now = _time.GetTimestamp();
        long due = Volatile.Read(ref _nextSampleAt);
        if (now >= due && Interlocked.CompareExchange(ref _nextSampleAt, now + _intervalTicks, due) == due) Sample();
        var current = Volatile.Read(ref _refusal);
        if (current is null) return false;
        refusal = current;
        return true;
    }

    private void Sample()
    {
        long free;
        try
        {
            free = _probe(_directory);
        }
        catch (IOException)
        {
            // A filesystem that cannot be asked is not known to be full; the writes themselves will say if it is.
            free = long.MaxValue;
        }
        Volatile.Write(ref _refusal, free >= _minFreeBytes ? null : string.Create(CultureInfo.InvariantCulture,
            $"the data directory's filesystem has {ByteText(free)} free, below the --min-free-disk watermark of {ByteText(_minFreeBytes)}; nothing of this batch was stored; free space (delete topics or files, or grow the filesystem) and retry"));
    }

    private static long AvailableBytes(string directory)
        => OperatingSystem.IsLinux() ? LibC.AvailableBytes(directory) : new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;

    private static string ByteText(long bytes) => bytes >= 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.##} MiB ({bytes} bytes)")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");
}
