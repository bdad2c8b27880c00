using FastBroker.Load.Cli;
using FastBroker.Load.Runs;
using FastBroker.Load.Tests.Infrastructure;

namespace FastBroker.Load.Tests.Scenarios;

/// <summary>The fanout scenario through the runner, against a fan-out broker in memory.</summary>
public sealed class FanoutScenarioTests
{
    // A run that lost a message ends when its consumers see nothing for this long. Short enough to keep the tests
    // quick, long enough that a busy machine (other test assemblies run alongside) does not stall a healthy run
    // past it before the loss: that would end the run as idle before the lost message was even published.
    private const string IdleTimeout = "2s";

    [Fact]
    public async Task Every_subscription_gets_every_message_and_throughput_counts_all_deliveries()
    {
        using var reports = new TempDirectory("fanout");
        var (exit, runner, stderr) = await RunAsync(new FanoutMemoryTarget(),
            ["fanout", "--fanout", "3", "--count", "2000", "--duration", "20s", "--report-dir", reports.Path, "--name", "run"]);

        Assert.True(exit == ExitCodes.Ok, stderr);
        var report = runner.LastReport!;
        Assert.Equal("fanout x3", report.ScenarioLabel);
        Assert.Equal(3, report.Parameters.Fanout);
        Assert.Equal(3, report.Parameters.Consumers);
        Assert.Equal(2_000, report.Result.Published);
        Assert.Equal(6_000, report.Result.Consumed);
        Assert.Equal(6_000, report.Latency!.Count);
        Assert.Equal("consume", report.Result.ThroughputSide);
        Assert.Equal("count reached", report.Result.EndReason);
        Assert.Contains(report.Notes, note => note.StartsWith("Subscription 2: 2,000 delivered", StringComparison.Ordinal) && note.EndsWith("0 missing, 0 duplicates.", StringComparison.Ordinal));
        Assert.Contains("fan-out to 3 subscriptions", await File.ReadAllTextAsync(Path.Combine(reports.Path, "run.md")));
    }

    [Fact]
    public async Task A_message_lost_for_one_subscription_fails_the_run()
    {
        using var reports = new TempDirectory("fanout-loss");
        var target = new FanoutMemoryTarget { Drop = (1, 500) };
        var (exit, runner, _) = await RunAsync(target,
            ["fanout", "--fanout", "2", "--count", "1000", "--duration", "30s", "--idle-timeout", IdleTimeout, "--report-dir", reports.Path]);

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("subscription 1 is missing 1 of 1,000", runner.LastReport!.Error);
        Assert.Equal(1_999, runner.LastReport.Result.Consumed);
    }

    [Fact]
    public async Task A_duplicate_that_hides_a_loss_in_the_total_still_fails_the_run()
    {
        using var reports = new TempDirectory("fanout-dup");
        // Subscription 0 gets message 10 twice and message 900 never: the total alone would look complete.
        var target = new FanoutMemoryTarget { Drop = (0, 900), Duplicate = (0, 10) };
        var (exit, runner, _) = await RunAsync(target,
            ["fanout", "--fanout", "2", "--count", "1000", "--duration", "30s", "--idle-timeout", IdleTimeout, "--report-dir", reports.Path]);

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("subscription 0 is missing 1 of 1,000", runner.LastReport!.Error);
        Assert.Contains(runner.LastReport.Notes, note => note.StartsWith("Subscription 0:", StringComparison.Ordinal) && note.Contains("1 duplicates", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "--size", "15" }, "--size: fanout carries a send time and a sequence number")]
    [InlineData(new[] { "--fanout", "0" }, "--fanout: '0' is not a whole number from 1 to 32")]
    [InlineData(new[] { "--count", "60M" }, "--count: '60M' is not a whole number from 1 to 50,000,000")]
    public void Fanout_options_are_checked(string[] extra, string error)
    {
        var outcome = LoadCli.Parse(["fanout", .. extra]);

        Assert.Contains(outcome.Errors, e => e.StartsWith(error, StringComparison.Ordinal));
    }

    [Fact]
    public void Fanout_reads_shared_subscriptions_unless_told_stream_and_has_no_consumers_option()
    {
        var defaults = LoadCli.Parse(["fanout"]);
        var streams = LoadCli.Parse(["fanout", "--fastbroker-consumers", "stream"]);
        var consumers = LoadCli.Parse(["fanout", "--consumers", "3"]);

        Assert.Equal(FastBroker.Load.Targets.FastBrokerConsumerMode.Queue, defaults.Settings!.FastBrokerConsumers);
        Assert.Equal(4, defaults.Settings.Fanout);
        Assert.Equal(FastBroker.Load.Targets.FastBrokerConsumerMode.Stream, streams.Settings!.FastBrokerConsumers);
        Assert.NotEmpty(consumers.Errors);
    }

    private static async Task<(int Exit, LoadRunner Runner, string Stderr)> RunAsync(FanoutMemoryTarget target, string[] args)
    {
        var outcome = LoadCli.Parse(args);
        Assert.Empty(outcome.Errors);
        var stderr = new StringWriter();
        var runner = new LoadRunner(new StringWriter(), stderr, createTarget: _ => target);
        int exit = await runner.RunAsync(outcome.Settings!, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, runner, stderr.ToString());
    }
}
