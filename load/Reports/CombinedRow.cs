namespace FastBroker.Load.Reports;

/// <summary>
/// One row of a comparison: every run of one target (with its fsync label) × scenario × message size. With
/// several runs each number is the median over them, and throughput also shows the range.
/// </summary>
internal sealed class CombinedRow
{
    /// <summary>Groups <paramref name="runs"/>, which all share the row's key.</summary>
    public CombinedRow(string targetLabel, IReadOnlyList<RunReport> runs)
    {
        ArgumentOutOfRangeException.ThrowIfZero(runs.Count);
        TargetLabel = targetLabel;
        Runs = runs;
        var first = runs[0];
        Scenario = first.Scenario;
        ScenarioLabel = first.ScenarioLabel;
        MessageBytes = first.Parameters.MessageBytes;
        Rate = first.Parameters.RatePerSecond;
        ServerVersion = first.ServerVersion;
        Durability = first.Durability;
        MessagesPerSecond = Median(runs, r => r.Result.MessagesPerSecond)!.Value;
        MinMessagesPerSecond = Smallest(runs, r => r.Result.MessagesPerSecond);
        MaxMessagesPerSecond = Largest(runs, r => r.Result.MessagesPerSecond);
        MegabytesPerSecond = Median(runs, r => r.Result.MegabytesPerSecond)!.Value;
        P50 = Median(runs, r => r.Latency?.P50);
        P99 = Median(runs, r => r.Latency?.P99);
        P999 = Median(runs, r => r.Latency?.P999);
        Max = Median(runs, r => r.Latency?.Max);
    }

    public string TargetLabel { get; }
    public IReadOnlyList<RunReport> Runs { get; }
    public string Scenario { get; }
    public string ScenarioLabel { get; }
    public int MessageBytes { get; }
    public long? Rate { get; }
    public string ServerVersion { get; }
    public string Durability { get; }
    public double MessagesPerSecond { get; }
    public double MinMessagesPerSecond { get; }
    public double MaxMessagesPerSecond { get; }
    public double MegabytesPerSecond { get; }
    public double? P50 { get; }
    public double? P99 { get; }
    public double? P999 { get; }
    public double? Max { get; }

    /// <summary>Throughput cell: the median, and the range when there were several runs.</summary>
    public string ThroughputText => Runs.Count == 1
        ? NumberText.Count(MessagesPerSecond)
        : $"{NumberText.Count(MessagesPerSecond)} ({NumberText.Count(MinMessagesPerSecond)}–{NumberText.Count(MaxMessagesPerSecond)})";

    /// <summary>The median of the values present; null when no run has one. With an even count, the mean of the middle two.</summary>
    public static double? Median(IReadOnlyList<RunReport> runs, Func<RunReport, double?> value)
    {
        var values = new List<double>(runs.Count);
        foreach (var run in runs)
        {
            if (value(run) is { } v)
                values.Add(v);
        }
        if (values.Count == 0)
            return null;
        values.Sort();
        int middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static double Smallest(IReadOnlyList<RunReport> runs, Func<RunReport, double> value)
    {
        double min = double.MaxValue;
        foreach (var run in runs)
            min = Math.Min(min, value(run));
        return min;
    }

    private static double Largest(IReadOnlyList<RunReport> runs, Func<RunReport, double> value)
    {
        double max = double.MinValue;
        foreach (var run in runs)
            max = Math.Max(max, value(run));
        return max;
    }
}
