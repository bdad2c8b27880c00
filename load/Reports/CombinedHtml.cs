using FastBroker.Load.Reports.Svg;

namespace FastBroker.Load.Reports;

/// <summary>The HTML comparison page: the table, then per scenario a bar chart of throughput by size and target
/// (and of p99 latency where measured).</summary>
internal static class CombinedHtml
{
    private static readonly HashSet<string> TextColumns = ["target", "server", "scenario"];

    /// <summary>The page for <paramref name="rows"/>.</summary>
    public static string Render(IReadOnlyList<CombinedRow> rows, string title)
    {
        var page = new HtmlPage(title);
        page.Heading(1, title);
        var table = new List<IReadOnlyList<string>>();
        foreach (var row in rows)
            table.Add(CombinedReport.Cells(row));
        page.Table(CombinedReport.Columns, table, TextColumns);
        var durabilities = new List<string>();
        foreach (var (target, durability) in CombinedReport.Durabilities(rows))
            durabilities.Add($"{target}: {durability}");
        page.List(durabilities);

        var targets = new List<string>();
        foreach (var row in rows)
        {
            if (!targets.Contains(row.TargetLabel))
                targets.Add(row.TargetLabel);
        }
        var scenarios = new List<string>();
        foreach (var row in rows)
        {
            if (!scenarios.Contains(row.ScenarioLabel))
                scenarios.Add(row.ScenarioLabel);
        }

        foreach (string scenario in scenarios)
        {
            var ofScenario = rows.Where(r => r.ScenarioLabel == scenario).ToList();
            var sizes = ofScenario.Select(r => r.MessageBytes).Distinct().Order().ToList();
            var categories = sizes.ConvertAll(s => NumberText.Bytes(s));
            page.Heading(2, scenario);
            page.Raw(BarChart.Render($"{scenario}: messages per second (median)", "message size", "msg/s", categories,
                Bars(ofScenario, targets, sizes, r => r.MessagesPerSecond), NumberText.Compact));
            if (ofScenario.Exists(r => r.P99 is not null))
            {
                page.Raw(BarChart.Render($"{scenario}: p99 latency (median)", "message size", "p99 latency", categories,
                    Bars(ofScenario, targets, sizes, r => r.P99), NumberText.Latency));
            }
        }
        return page.ToString();
    }

    private static List<BarChart.Series> Bars(List<CombinedRow> rows, List<string> targets, List<int> sizes, Func<CombinedRow, double?> value)
    {
        var series = new List<BarChart.Series>();
        for (int t = 0; t < targets.Count; t++)
        {
            var values = new double?[sizes.Count];
            bool any = false;
            foreach (var row in rows)
            {
                if (row.TargetLabel != targets[t])
                    continue;
                values[sizes.IndexOf(row.MessageBytes)] = value(row);
                any = true;
            }
            // The colour follows the target across every chart of the page, so keep the index even when skipping.
            if (any)
                series.Add(new BarChart.Series(targets[t], ChartFrame.Color(t), values));
        }
        return series;
    }
}
