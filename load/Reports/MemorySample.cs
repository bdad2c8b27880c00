namespace FastBroker.Load.Reports;

/// <summary>The broker's resident memory at one point of a run (<c>--rss-pid</c>).</summary>
public sealed class MemorySample
{
    /// <summary>Where in the run: "start", "after fill" (consume), "end".</summary>
    public string Point { get; init; } = "";

    /// <summary>Resident set size (Linux VmRSS) in bytes.</summary>
    public long RssBytes { get; init; }
}
