using System.Text;

namespace FastBroker.Load.Reports;

/// <summary>Markdown for one run (NAME.md) and the run table printed to stdout.</summary>
internal static class MarkdownReport
{
    /// <summary>The columns of a run table, in order.</summary>
    public static readonly string[] Columns =
        ["target", "server", "durability", "scenario", "size", "messages", "duration", "msg/s", "MB/s", "p50", "p90", "p99", "p99.9", "p99.99", "max"];

    /// <summary>A table with one row per run.</summary>
    public static string Table(IReadOnlyList<RunReport> runs)
    {
        var text = new StringBuilder();
        AppendRow(text, Columns);
        AppendRow(text, Array.ConvertAll(Columns, c => c is "target" or "server" or "durability" or "scenario" ? "---" : "---:"));
        foreach (var run in runs)
            AppendRow(text, Cells(run));
        return text.ToString();
    }

    /// <summary>The cells of <paramref name="run"/>'s row, as in <see cref="Columns"/>.</summary>
    public static string[] Cells(RunReport run)
    {
        var result = run.Result;
        var latency = run.Latency;
        long messages = result.ThroughputSide == "consume" ? result.Consumed : result.Published;
        return
        [
            run.Target,
            run.ServerVersion,
            run.Durability,
            run.ScenarioLabel,
            NumberText.Bytes(run.Parameters.MessageBytes),
            NumberText.Count(messages),
            NumberText.Seconds(result.ElapsedSeconds),
            NumberText.Count(result.MessagesPerSecond),
            NumberText.Megabytes(result.MegabytesPerSecond),
            NumberText.Latency(latency?.P50),
            NumberText.Latency(latency?.P90),
            NumberText.Latency(latency?.P99),
            NumberText.Latency(latency?.P999),
            NumberText.Latency(latency?.P9999),
            NumberText.Latency(latency?.Max),
        ];
    }

    /// <summary>The whole NAME.md of a run.</summary>
    public static string Document(RunReport run)
    {
        var text = new StringBuilder();
        text.Append("# Load run ").Append(run.Name).Append("\n\n");
        text.Append(run.ScenarioLabel).Append(" against ").Append(run.Target).Append(" (").Append(run.ServerVersion).Append("), started ")
            .Append(run.StartedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture)).Append(".\n\n");
        if (run.Error is not null)
            text.Append("**The run failed:** ").Append(run.Error).Append("\n\n");
        text.Append(Table([run])).Append('\n');

        var p = run.Parameters;
        var r = run.Result;
        text.Append("- Throughput counted on the ").Append(r.ThroughputSide).Append(" side; ended by: ").Append(r.EndReason)
            .Append($"; {NumberText.Count(r.Published)} published, {NumberText.Count(r.Consumed)} consumed.\n");
        if (r.Fill is { } fill)
            text.Append($"- Fill (not timed): {NumberText.Count(fill.Messages)} messages in {NumberText.Seconds(fill.ElapsedSeconds)} ({NumberText.Count(fill.MessagesPerSecond)} msg/s).\n");
        text.Append($"- Topic `{p.Topic}`, {p.Partitions} partitions, {NumberText.Bytes(p.MessageBytes)} payloads, --count {NumberText.Count(p.Count)}, ")
            .Append($"--duration {NumberText.Seconds(p.DurationSeconds)}, {p.Producers} producers, {p.Consumers} consumers")
            .Append(run.Consumers is { } mode ? $" ({mode})" : "")
            .Append($", window {NumberText.Count(p.Window)}");
        if (p.BatchBytes is { } batch)
            text.Append($", batch {NumberText.Count(batch)} B, linger {NumberText.Plain(p.LingerMilliseconds ?? 0)} ms");
        if (p.Idempotent == true)
            text.Append(", idempotent producers");
        if (p.RatePerSecond is { } rate)
            text.Append($", rate {NumberText.Count(rate)} msg/s");
        if (p.Routes is { } routes)
            text.Append($", {routes} routes");
        if (p.Fanout is { } fanout)
            text.Append($", fan-out to {fanout} subscriptions (one consumer each)");
        text.Append(".\n");
        text.Append("- Durability: ").Append(run.Durability).Append('\n');
        if (run.Latency is { } latency)
        {
            text.Append("- Latency: ").Append(latency.Method).Append('\n');
            text.Append("- Recording: ").Append(latency.Recording).Append($"; {NumberText.Count(latency.Count)} values, mean {NumberText.Latency(latency.Mean)}.\n");
        }
        if (BrokerMemoryText(run) is { } memory)
            text.Append("- ").Append(memory).Append('\n');
        foreach (string note in run.Notes)
            text.Append("- ").Append(note).Append('\n');
        foreach (var threshold in run.Thresholds)
            text.Append($"- Threshold {threshold.Name} {threshold.Limit}: {(threshold.Passed ? "met" : "**broken**")} (measured {threshold.Measured}).\n");
        text.Append($"- Machine: {run.Machine.ProcessorCount} logical processors, {run.Machine.OperatingSystem}, {run.Machine.Runtime}.\n");
        return text.ToString();
    }

    /// <summary>"Broker resident memory (VmRSS): start 41.2 MiB, after fill 63.0 MiB, end 60.1 MiB."; null when not sampled.</summary>
    public static string? BrokerMemoryText(RunReport run)
    {
        if (run.BrokerMemory is not { Count: > 0 } samples)
            return null;
        var parts = new List<string>(samples.Count);
        foreach (var sample in samples)
            parts.Add($"{sample.Point} {NumberText.Mebibytes(sample.RssBytes)}");
        return $"Broker resident memory (VmRSS): {string.Join(", ", parts)}.";
    }

    /// <summary>Appends one table row, escaping what markdown would read as structure.</summary>
    public static void AppendRow(StringBuilder text, IReadOnlyList<string> cells)
    {
        text.Append('|');
        foreach (string cell in cells)
            text.Append(' ').Append(Escape(cell)).Append(" |");
        text.Append('\n');
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
