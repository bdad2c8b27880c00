using FastBroker.Load.Reports;

namespace FastBroker.Load.Measurement;

/// <summary>Takes labelled samples of the broker's resident memory (<c>--rss-pid</c>) at the edges of a run's phases.</summary>
internal sealed class MemorySampler
{
    private readonly Func<long?> _read;
    private readonly List<MemorySample> _samples = [];

    /// <summary>Samples process <paramref name="pid"/> through <see cref="ProcessMemory"/>.</summary>
    public MemorySampler(int pid)
        : this(() => ProcessMemory.TryReadRss(pid, out long bytes) ? bytes : null)
    {
    }

    /// <summary>Samples whatever <paramref name="read"/> returns (null: nothing to read).</summary>
    public MemorySampler(Func<long?> read) => _read = read;

    /// <summary>The samples taken so far, in order.</summary>
    public IReadOnlyList<MemorySample> Samples => _samples;

    /// <summary>Records the resident memory now as <paramref name="point"/> ("start", "after fill", "end"), when it can be read.</summary>
    public void Sample(string point)
    {
        if (_read() is { } bytes)
            _samples.Add(new MemorySample { Point = point, RssBytes = bytes });
    }
}
