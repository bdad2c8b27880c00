using FastBroker.Load.Reports;
using FastBroker.Load.Tests.Infrastructure;

namespace FastBroker.Load.Tests.Reports;

public sealed class MarkdownReportTests
{
    [Fact]
    public void The_table_has_the_documented_columns_and_one_row_per_run()
    {
        string table = MarkdownReport.Table([SampleRuns.Publish(), SampleRuns.Latency()]);
        string[] lines = table.TrimEnd('\n').Split('\n');

        Assert.Equal(4, lines.Length);
        Assert.Equal("| target | server | durability | scenario | size | messages | duration | msg/s | MB/s | p50 | p90 | p99 | p99.9 | p99.99 | max |", lines[0]);
        Assert.StartsWith("| --- | --- | --- | --- | ---: |", lines[1]);
    }

    [Fact]
    public void A_row_shows_counts_rates_and_latencies_with_units()
    {
        string[] publish = Cells(MarkdownReport.Table([SampleRuns.Publish()]).Split('\n')[2]);
        Assert.Equal(["fastbroker", "fastbroker/1.0", "fsync always \\| group commit", "publish", "100 B", "1,000,000", "0.40 s", "2,500,000", "250.0", "-", "-", "-", "-", "-", "-"], publish);

        string[] latency = Cells(MarkdownReport.Table([SampleRuns.Latency()]).Split('\n')[2]);
        Assert.Equal(["latency @ 10,000 msg/s", "100 B", "50,000", "5.00 s", "10,000", "1.0", "41.2 µs", "412 µs", "812 µs", "1.25 ms", "2.50 ms", "3.00 ms"], latency[3..]);
    }

    [Fact]
    public void The_document_explains_method_notes_and_thresholds()
    {
        string document = MarkdownReport.Document(SampleRuns.Latency());

        Assert.StartsWith("# Load run lat\n", document);
        Assert.Contains("from the intended send time", document);
        Assert.Contains("nanoseconds", document);
        Assert.Contains("- a note worth reading", document);
        Assert.Contains("Threshold max-p99 1.00 ms: met", document);
        Assert.Contains("rate 10,000 msg/s", document);
    }

    [Fact]
    public void A_failed_run_says_so_first()
    {
        var failed = SampleRuns.Publish();
        failed = new RunReport { Name = failed.Name, Scenario = failed.Scenario, ScenarioLabel = failed.ScenarioLabel, Target = failed.Target, Error = "consumers received nothing" };

        Assert.Contains("**The run failed:** consumers received nothing", MarkdownReport.Document(failed));
    }

    private static string[] Cells(string row)
    {
        // Split on unescaped pipes only.
        var cells = System.Text.RegularExpressions.Regex.Split(row.Trim().Trim('|'), @"(?<!\\)\|");
        return Array.ConvertAll(cells, c => c.Trim());
    }
}
