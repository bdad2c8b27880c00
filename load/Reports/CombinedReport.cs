using System.Text;
using FastBroker.Load.Scenarios;

namespace FastBroker.Load.Reports;

/// <summary>
/// Combines the JSON reports of several runs into one comparison: a markdown table with one row per
/// target × scenario × size (what compare.sh puts into docs/PERFORMANCE.md) and an HTML page with a bar chart
/// per scenario.
/// </summary>
internal static class CombinedReport
{
    /// <summary>The columns of the comparison table.</summary>
    public static readonly string[] Columns = ["target", "server", "scenario", "size", "runs", "msg/s", "MB/s", "p50", "p99", "p99.9", "max"];

    /// <summary>Reads every run report (*.json) directly in <paramref name="directory"/>; files that are not run
    /// reports, and runs that failed, are skipped and named in <paramref name="skipped"/>.</summary>
    public static async Task<List<RunReport>> ReadAsync(string directory, List<string> skipped)
    {
        var runs = new List<RunReport>();
        var files = Directory.GetFiles(directory, "*.json");
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            var run = ReportFiles.FromJson(await File.ReadAllTextAsync(file).ConfigureAwait(false));
            if (run is null)
                skipped.Add($"{file}: not a run report");
            else if (run.Error is not null)
                skipped.Add($"{file}: the run failed ({run.Error})");
            else
                runs.Add(run);
        }
        return runs;
    }

    /// <summary>Rows for <paramref name="runs"/>, ordered by scenario (as the CLI lists them, then rate), size, then
    /// target (FastBroker first).</summary>
    public static List<CombinedRow> Group(IEnumerable<RunReport> runs)
    {
        var groups = new Dictionary<(string Target, string Scenario, int Size), List<RunReport>>();
        foreach (var run in runs)
        {
            var key = (TargetLabel(run), run.ScenarioLabel, run.Parameters.MessageBytes);
            if (!groups.TryGetValue(key, out var list))
                groups[key] = list = [];
            list.Add(run);
        }
        var rows = new List<CombinedRow>();
        foreach (var ((target, _, _), list) in groups)
            rows.Add(new CombinedRow(target, list));
        rows.Sort(CompareRows);
        return rows;
    }

    /// <summary>The comparison table and, below it, what durability each target had.</summary>
    public static string Markdown(IReadOnlyList<CombinedRow> rows)
    {
        var text = new StringBuilder();
        MarkdownReport.AppendRow(text, Columns);
        MarkdownReport.AppendRow(text, Array.ConvertAll(Columns, c => c is "target" or "server" or "scenario" ? "---" : "---:"));
        foreach (var row in rows)
            MarkdownReport.AppendRow(text, Cells(row));
        text.Append('\n');
        foreach (var (target, durability) in Durabilities(rows))
            text.Append("- ").Append(target).Append(": ").Append(durability).Append('\n');
        return text.ToString();
    }

    /// <summary>The cells of a row, as in <see cref="Columns"/>.</summary>
    public static string[] Cells(CombinedRow row) =>
    [
        row.TargetLabel,
        row.ServerVersion,
        row.ScenarioLabel,
        NumberText.Bytes(row.MessageBytes),
        row.Runs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        row.ThroughputText,
        NumberText.Megabytes(row.MegabytesPerSecond),
        NumberText.Latency(row.P50),
        NumberText.Latency(row.P99),
        NumberText.Latency(row.P999),
        NumberText.Latency(row.Max),
    ];

    /// <summary>Each target label once with the durability its runs reported; a label whose runs reported another
    /// durability too (a routed run's) again, with the scenario of the first row that reported it.</summary>
    public static List<(string Target, string Durability)> Durabilities(IReadOnlyList<CombinedRow> rows)
    {
        var seen = new HashSet<(string, string)>();
        var labels = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<(string, string)>();
        foreach (var row in rows)
        {
            if (!seen.Add((row.TargetLabel, row.Durability)))
                continue;
            string label = labels.Add(row.TargetLabel) ? row.TargetLabel : $"{row.TargetLabel} ({row.ScenarioLabel})";
            list.Add((label, row.Durability));
        }
        return list;
    }

    /// <summary>
    /// "fastbroker (fsync always)" for FastBroker runs, so runs under different policies stay apart, with the consumer
    /// mode when it is not the default stream cursors ("fastbroker queue/push (fsync always)"); the target name otherwise.
    /// </summary>
    public static string TargetLabel(RunReport run)
    {
        string target = run.Consumers is { } consumers && consumers != "stream" ? $"{run.Target} {consumers}" : run.Target;
        return run.Fsync is { } fsync ? $"{target} (fsync {fsync})" : target;
    }

    private static int CompareRows(CombinedRow a, CombinedRow b)
    {
        int c = ScenarioOrder(a.Scenario).CompareTo(ScenarioOrder(b.Scenario));
        if (c == 0)
            c = string.CompareOrdinal(a.Scenario, b.Scenario);
        if (c == 0)
            c = (a.Rate ?? 0).CompareTo(b.Rate ?? 0);
        if (c == 0)
            c = a.MessageBytes.CompareTo(b.MessageBytes);
        if (c == 0)
            c = TargetOrder(a.TargetLabel).CompareTo(TargetOrder(b.TargetLabel));
        return c != 0 ? c : string.CompareOrdinal(a.TargetLabel, b.TargetLabel);
    }

    private static int ScenarioOrder(string scenario)
    {
        var all = ScenarioCatalog.All;
        for (int i = 0; i < all.Count; i++)
        {
            if (all[i].Name == scenario)
                return i;
        }
        return all.Count;
    }

    private static int TargetOrder(string label) => label.StartsWith(Runs.TargetFactory.FastBrokerName, StringComparison.Ordinal) ? 0 : 1;
}
