using FastBroker.Load.Reports.Svg;

namespace FastBroker.Load.Reports;

/// <summary>NAME.html of one run: the table, throughput over time, latency by percentile and over time, details.</summary>
internal static class HtmlReport
{
    private static readonly HashSet<string> TextColumns = ["target", "server", "durability", "scenario"];

    /// <summary>The page for <paramref name="run"/>.</summary>
    public static string Render(RunReport run)
    {
        var page = new HtmlPage($"Load run {run.Name}");
        page.Heading(1, $"Load run {run.Name}");
        page.Paragraph($"{run.ScenarioLabel} against {run.Target} ({run.ServerVersion}), started {run.StartedAt:u}.");
        if (run.Error is not null)
            page.Paragraph($"The run failed: {run.Error}", "error");
        page.Table(MarkdownReport.Columns, [MarkdownReport.Cells(run)], TextColumns);
        foreach (var threshold in run.Thresholds)
            page.Paragraph($"Threshold {threshold.Name} {threshold.Limit}: {(threshold.Passed ? "met" : "BROKEN")} (measured {threshold.Measured})", threshold.Passed ? "met" : "broken");

        page.Heading(2, "Throughput over time");
        page.Raw(ThroughputChart(run));
        if (run.Latency is { } latency)
        {
            page.Heading(2, "Latency by percentile");
            page.Raw(PercentileChart.Render($"{run.Target}: {run.ScenarioLabel}, {NumberText.Bytes(run.Parameters.MessageBytes)}",
                [new ChartSeries(run.Target, ChartFrame.Color(0), Curve(latency))]));
            page.Paragraph(latency.Method);
            page.Paragraph($"{latency.Recording}; {NumberText.Count(latency.Count)} values, mean {NumberText.Latency(latency.Mean)}.");
            page.Heading(2, "Latency over time");
            page.Raw(LatencyOverTimeChart(run));
        }

        page.Heading(2, "Details");
        page.List(Details(run));
        return page.ToString();
    }

    private static string ThroughputChart(RunReport run)
    {
        var series = new List<ChartSeries>();
        var published = new List<(double, double)>();
        var consumed = new List<(double, double)>();
        foreach (var sample in run.Samples)
        {
            published.Add((sample.ElapsedSeconds, sample.PublishedPerSecond));
            consumed.Add((sample.ElapsedSeconds, sample.ConsumedPerSecond));
        }
        if (published.Exists(p => p.Item2 > 0) || run.Result.ThroughputSide == "publish")
            series.Add(new ChartSeries("published msg/s", ChartFrame.Color(0), published));
        if (consumed.Exists(p => p.Item2 > 0) || run.Result.ThroughputSide == "consume")
            series.Add(new ChartSeries("consumed msg/s", ChartFrame.Color(1), consumed));
        return LineChart.Render("Messages per second, each second", "seconds since start", "msg/s", series, NumberText.Compact);
    }

    private static string LatencyOverTimeChart(RunReport run)
    {
        var p50 = new List<(double, double)>();
        var p99 = new List<(double, double)>();
        foreach (var sample in run.Samples)
        {
            if (sample.P50Microseconds is { } a)
                p50.Add((sample.ElapsedSeconds, a));
            if (sample.P99Microseconds is { } b)
                p99.Add((sample.ElapsedSeconds, b));
        }
        return LineChart.Render("Latency of the messages consumed each second", "seconds since start", "latency",
            [new ChartSeries("p50", ChartFrame.Color(2), p50), new ChartSeries("p99", ChartFrame.Color(1), p99)], NumberText.Latency);
    }

    private static List<(double, double)> Curve(LatencyReport latency)
    {
        var points = new List<(double, double)>(latency.Curve.Count);
        foreach (var point in latency.Curve)
            points.Add((point.Percentile, point.Microseconds));
        return points;
    }

    private static List<string> Details(RunReport run)
    {
        var p = run.Parameters;
        var r = run.Result;
        var details = new List<string>
        {
            $"Durability: {run.Durability}",
            $"Throughput counted on the {r.ThroughputSide} side; ended by: {r.EndReason}; {NumberText.Count(r.Published)} published, {NumberText.Count(r.Consumed)} consumed in {NumberText.Seconds(r.ElapsedSeconds)}.",
            $"Topic {p.Topic}, {p.Partitions} partitions, {NumberText.Bytes(p.MessageBytes)} payloads, count {NumberText.Count(p.Count)}, duration {NumberText.Seconds(p.DurationSeconds)}, "
                + $"{p.Producers} producers, {p.Consumers} consumers, window {NumberText.Count(p.Window)}"
                + (p.BatchBytes is { } batch ? $", batch {NumberText.Count(batch)} B, linger {NumberText.Plain(p.LingerMilliseconds ?? 0)} ms" : "")
                + (p.Idempotent == true ? ", idempotent producers" : "")
                + (p.RatePerSecond is { } rate ? $", rate {NumberText.Count(rate)} msg/s" : "")
                + (p.Routes is { } routes ? $", {routes} routes" : "") + ".",
        };
        if (r.Fill is { } fill)
            details.Add($"Fill (not timed): {NumberText.Count(fill.Messages)} messages in {NumberText.Seconds(fill.ElapsedSeconds)} ({NumberText.Count(fill.MessagesPerSecond)} msg/s).");
        if (MarkdownReport.BrokerMemoryText(run) is { } memory)
            details.Add(memory);
        details.AddRange(run.Notes);
        details.Add($"Machine: {run.Machine.ProcessorCount} logical processors, {run.Machine.OperatingSystem}, {run.Machine.Runtime}.");
        return details;
    }
}
