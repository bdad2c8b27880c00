using FastBroker.Load.Cli;
using FastBroker.Load.Runs;
using FastBroker.Load.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Load.Tests.Scenarios;

/// <summary>Every scenario end to end through the runner, against a broker in memory (no server needed).</summary>
public sealed class ScenarioRunTests
{
    [Theory]
    [InlineData("publish", 2_000, 2_000, 0)]
    [InlineData("consume", 2_000, 2_000, 2_000)]
    [InlineData("e2e", 2_000, 2_000, 2_000)]
    public async Task A_closed_loop_scenario_moves_every_message_of_its_count(string scenario, long count, long published, long consumed)
    {
        using var reports = new TempDirectory(scenario);
        var (exit, runner, _) = await RunAsync(new InMemoryTarget(), [scenario, "--count", count.ToString(), "--duration", "20s", "--report-dir", reports.Path, "--name", "run"]);

        Assert.Equal(ExitCodes.Ok, exit);
        var report = runner.LastReport!;
        Assert.Equal(published, report.Result.Published);
        Assert.Equal(consumed, report.Result.Consumed);
        Assert.Equal("count reached", report.Result.EndReason);
        Assert.True(report.Result.MessagesPerSecond > 0);
        Assert.True(File.Exists(Path.Combine(reports.Path, "run.md")));
        Assert.True(File.Exists(Path.Combine(reports.Path, "run.json")));
        Assert.True(File.Exists(Path.Combine(reports.Path, "run.html")));
    }

    [Fact]
    public async Task Consume_reports_the_fill_apart_from_the_timed_drain()
    {
        using var reports = new TempDirectory("consume-fill");
        var (exit, runner, _) = await RunAsync(new InMemoryTarget(), ["consume", "--count", "1000", "--report-dir", reports.Path]);

        Assert.Equal(ExitCodes.Ok, exit);
        var result = runner.LastReport!.Result;
        Assert.Equal("consume", result.ThroughputSide);
        Assert.Equal(1_000, result.Fill!.Messages);
        Assert.Null(runner.LastReport.Latency);
    }

    [Fact]
    public async Task E2e_and_latency_record_a_latency_per_consumed_message()
    {
        using var reports = new TempDirectory("latency");
        var (exit, runner, _) = await RunAsync(new InMemoryTarget(), ["latency", "--rate", "5000", "--count", "500", "--duration", "5s", "--report-dir", reports.Path]);

        Assert.Equal(ExitCodes.Ok, exit);
        var report = runner.LastReport!;
        Assert.Equal(500, report.Result.Consumed);
        Assert.Equal(500, report.Latency!.Count);
        Assert.Equal(5_000, report.Parameters.RatePerSecond);
        Assert.Equal("latency @ 5,000 msg/s", report.ScenarioLabel);
        Assert.Contains("coordinated omission", report.Latency.Method);
        // 500 messages at 5,000/s take a tenth of a second, whatever the machine.
        Assert.InRange(report.Result.ElapsedSeconds, 0.09, 5);
    }

    [Fact]
    public async Task A_broken_threshold_exits_3_after_writing_the_report()
    {
        using var reports = new TempDirectory("threshold");
        var (exit, runner, stdout) = await RunAsync(new InMemoryTarget(), ["publish", "--count", "100", "--min-throughput", "1G", "--report-dir", reports.Path, "--name", "slow"]);

        Assert.Equal(ExitCodes.ThresholdBroken, exit);
        Assert.False(Assert.Single(runner.LastReport!.Thresholds).Passed);
        Assert.Contains("threshold min-throughput 1,000,000,000 msg/s: BROKEN", stdout);
        Assert.True(File.Exists(Path.Combine(reports.Path, "slow.json")));
    }

    [Fact]
    public async Task Consumers_that_receive_nothing_end_the_run_with_an_error_after_the_idle_timeout()
    {
        using var reports = new TempDirectory("idle");
        var time = new FakeTimeProvider();
        var settings = LoadCli.Parse(["consume", "--count", "100", "--idle-timeout", "2s", "--duration", "1m", "--report-dir", reports.Path, "--name", "idle"]).Settings!;
        var stderr = new StringWriter();
        var runner = new LoadRunner(new StringWriter(), stderr, time, _ => new InMemoryTarget { DeliverNothing = true });

        var run = runner.RunAsync(settings, CancellationToken.None);
        // Drive the fake clock until the run gives up; the bound is on iterations, not on real time.
        for (int i = 0; i < 2_000 && !run.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1);
        }
        int exit = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.Failed, exit);
        var report = runner.LastReport!;
        Assert.Contains("received nothing for 2 s (idle timeout) after 0 of 100 messages", report.Error);
        Assert.Equal("error", report.Result.EndReason);
        Assert.Contains("idle timeout", stderr.ToString());
        Assert.True(File.Exists(Path.Combine(reports.Path, "idle.html")));
    }

    [Theory]
    [InlineData("publish")]
    [InlineData("e2e")]
    [InlineData("latency")]
    public async Task An_interrupted_run_stops_promptly_and_still_writes_its_report(string scenario)
    {
        using var reports = new TempDirectory("interrupted");
        var settings = LoadCli.Parse([scenario, "--count", "1G", "--duration", "5m", "--report-dir", reports.Path, "--name", "cut"]).Settings!;
        var stderr = new StringWriter();
        var runner = new LoadRunner(new StringWriter(), stderr, createTarget: _ => new InMemoryTarget { Discard = scenario == "publish" });
        using var interrupt = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        int exit = await runner.RunAsync(settings, interrupt.Token).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Equal("interrupted", runner.LastReport!.Result.EndReason);
        Assert.Equal("interrupted", runner.LastReport.Error);
        Assert.True(File.Exists(Path.Combine(reports.Path, "cut.json")));
        Assert.Contains("error: interrupted", stderr.ToString());
    }

    private static async Task<(int Exit, LoadRunner Runner, string Stdout)> RunAsync(InMemoryTarget target, string[] args)
    {
        var outcome = LoadCli.Parse(args);
        Assert.Empty(outcome.Errors);
        var stdout = new StringWriter();
        var runner = new LoadRunner(stdout, new StringWriter(), createTarget: _ => target);
        int exit = await runner.RunAsync(outcome.Settings!, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, runner, stdout.ToString());
    }
}
