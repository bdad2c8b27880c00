using System.Text.RegularExpressions;
using FastBroker.Load.Cli;
using FastBroker.Load.Reports;
using FastBroker.Load.Tests.Infrastructure;

namespace FastBroker.Load.Tests.Reports;

public sealed class CombinedReportTests
{
    [Fact]
    public async Task Two_runs_become_a_table_with_a_row_each_and_a_page_with_bar_charts()
    {
        using var dir = new TempDirectory("combine");
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "redis.json"), ReportFiles.ToJson(SampleRuns.Publish(target: "redis", messagesPerSecond: 400_000)));
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "fb.json"), ReportFiles.ToJson(SampleRuns.Publish(messagesPerSecond: 2_000_000)));
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await ReportCommand.CombineAsync(dir.Path, null, null, "Compared", stdout, stderr);

        Assert.Equal(ExitCodes.Ok, exit);
        string markdown = await File.ReadAllTextAsync(Path.Combine(dir.Path, "combined.md"));
        string[] lines = markdown.Split('\n');
        Assert.Equal("| target | server | scenario | size | runs | msg/s | MB/s | p50 | p99 | p99.9 | max |", lines[0]);
        // FastBroker first, then the peers.
        Assert.Equal("| fastbroker (fsync always) | fastbroker/1.0 | publish | 100 B | 1 | 2,000,000 | 200.0 | - | - | - | - |", lines[2]);
        Assert.Equal("| redis | Redis 7.0.15 | publish | 100 B | 1 | 400,000 | 40.0 | - | - | - | - |", lines[3]);
        Assert.Contains("- redis: appendfsync always", markdown);
        Assert.Contains(lines[2], stdout.ToString());

        string html = await File.ReadAllTextAsync(Path.Combine(dir.Path, "combined.html"));
        Assert.Single(Regex.Matches(html, "<svg "));
        Assert.Contains("<h1>Compared</h1>", html);
        Assert.Equal(2, Regex.Matches(html, "<rect [^>]*><title>").Count);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Repeated_runs_share_a_row_showing_the_median_and_range()
    {
        var rows = CombinedReport.Group([
            SampleRuns.Publish(messagesPerSecond: 1_000_000, name: "a"),
            SampleRuns.Publish(messagesPerSecond: 3_000_000, name: "b"),
            SampleRuns.Publish(messagesPerSecond: 2_000_000, name: "c"),
            SampleRuns.Latency(p99: 900, name: "d"),
            SampleRuns.Latency(p99: 700, name: "e"),
        ]);

        Assert.Equal(2, rows.Count);
        Assert.Equal("publish", rows[0].Scenario);
        Assert.Equal("2,000,000 (1,000,000–3,000,000)", rows[0].ThroughputText);
        Assert.Equal(3, rows[0].Runs.Count);
        Assert.Equal(800, rows[1].P99);
        Assert.Equal(["fastbroker (fsync always)", "fastbroker/1.0", "latency @ 10,000 msg/s", "100 B", "2"], CombinedReport.Cells(rows[1])[..5]);
    }

    [Fact]
    public void Runs_differ_by_fsync_size_and_rate()
    {
        var never = SampleRuns.Publish();
        never = new RunReport { Name = "n", Scenario = never.Scenario, ScenarioLabel = never.ScenarioLabel, Target = never.Target, Fsync = "never", Parameters = never.Parameters, Result = never.Result };

        var rows = CombinedReport.Group([SampleRuns.Publish(), never, SampleRuns.Publish(size: 1024)]);

        Assert.Equal(3, rows.Count);
        Assert.Equal(["fastbroker (fsync always)", "fastbroker (fsync never)", "fastbroker (fsync always)"], rows.Select(r => r.TargetLabel));
        Assert.Equal([100, 100, 1024], rows.Select(r => r.MessageBytes));
    }

    [Fact]
    public void FastBroker_queue_runs_get_rows_of_their_own_and_stream_runs_keep_their_label()
    {
        var stream = SampleRuns.Publish();
        var plain = SampleRuns.Publish();
        var queue = SampleRuns.Publish();
        stream = new RunReport { Name = "s", Scenario = stream.Scenario, ScenarioLabel = stream.ScenarioLabel, Target = stream.Target, Fsync = "always", Consumers = "stream", Parameters = stream.Parameters, Result = stream.Result };
        queue = new RunReport { Name = "q", Scenario = queue.Scenario, ScenarioLabel = queue.ScenarioLabel, Target = queue.Target, Fsync = "always", Consumers = "queue/pull", Parameters = queue.Parameters, Result = queue.Result };

        var rows = CombinedReport.Group([stream, plain, queue]);

        Assert.Equal(2, rows.Count);
        Assert.Equal(["fastbroker (fsync always)", "fastbroker queue/pull (fsync always)"], rows.Select(r => r.TargetLabel));
        Assert.Equal(2, rows[0].Runs.Count);
        Assert.Equal("redis", CombinedReport.TargetLabel(SampleRuns.Publish(target: "redis")));
    }

    [Fact]
    public async Task Files_that_are_not_completed_runs_are_skipped_and_named()
    {
        using var dir = new TempDirectory("combine-skip");
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "good.json"), ReportFiles.ToJson(SampleRuns.Publish()));
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "other.json"), "{\"unrelated\": true}");
        var failed = SampleRuns.Publish();
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "failed.json"), ReportFiles.ToJson(new RunReport
        {
            Name = "failed", Scenario = failed.Scenario, ScenarioLabel = failed.ScenarioLabel, Target = failed.Target, Error = "idle timeout",
        }));
        var stderr = new StringWriter();
        string output = Path.Combine(dir.Path, "out", "table.md");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        int exit = await ReportCommand.CombineAsync(dir.Path, output, null, "t", new StringWriter(), stderr);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("other.json: not a run report", stderr.ToString());
        Assert.Contains("failed.json: the run failed (idle timeout)", stderr.ToString());
        Assert.Equal(3, (await File.ReadAllTextAsync(output)).Split('\n').Count(l => l.StartsWith('|')));
        Assert.True(File.Exists(Path.Combine(dir.Path, "out", "table.html")));
    }

    [Fact]
    public async Task A_directory_without_runs_is_an_error()
    {
        using var dir = new TempDirectory("combine-empty");
        var stderr = new StringWriter();

        Assert.Equal(ExitCodes.Failed, await ReportCommand.CombineAsync(dir.Path, null, null, "t", new StringWriter(), stderr));
        Assert.Equal(ExitCodes.Usage, await ReportCommand.CombineAsync(Path.Combine(dir.Path, "missing"), null, null, "t", new StringWriter(), stderr));
    }

    [Fact]
    public async Task The_report_command_runs_from_the_command_line()
    {
        using var dir = new TempDirectory("combine-cli");
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "a.json"), ReportFiles.ToJson(SampleRuns.Latency()));
        string output = Path.Combine(dir.Path, "cmp.md");
        var stdout = new StringWriter();

        int exit = await LoadCli.RunAsync(["report", "--combine", dir.Path, "--out", output], stdout, new StringWriter(), CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("latency @ 10,000 msg/s", await File.ReadAllTextAsync(output));
        Assert.Equal(2, Regex.Matches(await File.ReadAllTextAsync(Path.ChangeExtension(output, ".html")), "<svg ").Count);
    }
}
