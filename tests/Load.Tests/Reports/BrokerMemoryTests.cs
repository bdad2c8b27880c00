using FastBroker.Load.Cli;
using FastBroker.Load.Measurement;
using FastBroker.Load.Reports;
using FastBroker.Load.Runs;
using FastBroker.Load.Tests.Infrastructure;

namespace FastBroker.Load.Tests.Reports;

/// <summary>The broker's resident memory in run reports (--rss-pid), and routed runs' rows of their own.</summary>
public sealed class BrokerMemoryTests
{
    [Theory]
    [InlineData("Name:\tfastbroker\nVmPeak:\t  900 kB\nVmRSS:\t   65432 kB\nRssAnon:\t 100 kB\n", 65432L * 1024)]
    [InlineData("VmRSS: 0 kB", 0L)]
    public void VmRSS_is_read_from_a_proc_status_text(string status, long bytes)
    {
        Assert.True(ProcessMemory.TryParseVmRss(status, out long parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("Name:\tkthreadd\nVmPeak:\t900 kB\n")]
    [InlineData("VmRSS:\t12 MB\n")]
    [InlineData("VmRSS:\tlots kB\n")]
    [InlineData("")]
    public void A_status_text_without_a_usable_VmRSS_gives_nothing(string status)
    {
        Assert.False(ProcessMemory.TryParseVmRss(status, out _));
    }

    [Fact]
    public void The_resident_memory_of_a_live_process_is_read_and_of_a_missing_one_is_not()
    {
        Assert.True(ProcessMemory.TryReadRss(Environment.ProcessId, out long bytes));
        // This test process has loaded the runtime and xunit: well over a mebibyte, well under a terabyte.
        Assert.InRange(bytes, 1L << 20, 1L << 40);
        Assert.False(ProcessMemory.TryReadRss(int.MaxValue, out _));
    }

    [Fact]
    public async Task A_consume_run_reports_memory_at_its_start_after_the_fill_and_at_its_end()
    {
        using var reports = new TempDirectory("rss");
        var samples = new Queue<long>([10L << 20, 30L << 20, 20L << 20]);
        var settings = LoadCli.Parse(["consume", "--count", "500", "--rss-pid", "1", "--report-dir", reports.Path, "--name", "rss"]).Settings!;
        var runner = new LoadRunner(new StringWriter(), new StringWriter(), createTarget: _ => new InMemoryTarget(),
            createMemorySampler: _ => new MemorySampler(() => samples.Dequeue()));

        int exit = await runner.RunAsync(settings, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.Ok, exit);
        var memory = runner.LastReport!.BrokerMemory!;
        Assert.Equal(["start", "after fill", "end"], memory.Select(m => m.Point));
        Assert.Equal([10L << 20, 30L << 20, 20L << 20], memory.Select(m => m.RssBytes));
        string document = await File.ReadAllTextAsync(Path.Combine(reports.Path, "rss.md"));
        Assert.Contains("- Broker resident memory (VmRSS): start 10.0 MiB, after fill 30.0 MiB, end 20.0 MiB.", document);
        var json = ReportFiles.FromJson(await File.ReadAllTextAsync(Path.Combine(reports.Path, "rss.json")))!;
        Assert.Equal(30L << 20, json.BrokerMemory![1].RssBytes);
    }

    [Fact]
    public async Task A_run_without_rss_pid_reports_no_memory()
    {
        using var reports = new TempDirectory("no-rss");
        var settings = LoadCli.Parse(["consume", "--count", "100", "--report-dir", reports.Path, "--name", "plain"]).Settings!;
        var runner = new LoadRunner(new StringWriter(), new StringWriter(), createTarget: _ => new InMemoryTarget());

        Assert.Equal(ExitCodes.Ok, await runner.RunAsync(settings, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Null(runner.LastReport!.BrokerMemory);
        Assert.DoesNotContain("resident memory", await File.ReadAllTextAsync(Path.Combine(reports.Path, "plain.md")));
    }

    [Fact]
    public async Task A_routed_run_is_labelled_with_its_routes_and_combined_into_a_row_of_its_own()
    {
        using var reports = new TempDirectory("routed-label");
        foreach (var (name, routes) in new[] { ("plain", "0"), ("routed", "10") })
        {
            var settings = LoadCli.Parse(["consume", "--count", "100", "--routes", routes, "--report-dir", reports.Path, "--name", name]).Settings!;
            var runner = new LoadRunner(new StringWriter(), new StringWriter(), createTarget: _ => new InMemoryTarget());
            Assert.Equal(ExitCodes.Ok, await runner.RunAsync(settings, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Equal(routes == "0" ? null : 10, runner.LastReport!.Parameters.Routes);
        }

        var rows = CombinedReport.Group(await CombinedReport.ReadAsync(reports.Path, []));

        Assert.Equal(["consume", "consume, 10 routes"], rows.Select(r => r.ScenarioLabel));
    }

    [Fact]
    public void A_target_whose_routed_runs_state_another_durability_lists_both()
    {
        var plain = SampleRuns.Publish(target: "rabbitmq", name: "plain");
        var routed = SampleRuns.Publish(target: "rabbitmq", name: "routed");
        routed = new RunReport
        {
            Name = routed.Name, Scenario = routed.Scenario, ScenarioLabel = "publish, 10 routes", Target = routed.Target,
            ServerVersion = routed.ServerVersion, Durability = "routed: a topic exchange", Parameters = routed.Parameters, Result = routed.Result,
        };

        var durabilities = CombinedReport.Durabilities(CombinedReport.Group([plain, routed, plain]));

        Assert.Equal([("rabbitmq", "appendfsync always"), ("rabbitmq (publish, 10 routes)", "routed: a topic exchange")], durabilities);
    }
}
