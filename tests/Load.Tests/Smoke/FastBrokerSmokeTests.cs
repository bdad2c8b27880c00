using FastBroker.ClientLite;
using FastBroker.Load.Cli;
using FastBroker.Load.Reports;
using FastBroker.Load.Tests.Infrastructure;
using FastBroker.Testing;

namespace FastBroker.Load.Tests.Smoke;

/// <summary>A real broker process, shared by the smoke tests of one class.</summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    public BrokerProcess Broker { get; private set; } = null!;

    public async Task InitializeAsync() => Broker = await BrokerProcess.StartAsync();

    public async Task DisposeAsync() => await Broker.DisposeAsync();
}

/// <summary>Every scenario from the command line against the real broker binary, a few thousand messages each.</summary>
public sealed class FastBrokerSmokeTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    [Theory]
    [InlineData("publish", "3000")]
    [InlineData("consume", "3000")]
    [InlineData("e2e", "3000")]
    [InlineData("latency", "2000", "--rate", "2000")]
    public async Task Each_scenario_runs_against_the_real_broker_and_writes_its_reports(string scenario, string count, params string[] extra)
    {
        using var reports = new TempDirectory($"smoke-{scenario}");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] args = [scenario, "--fastbroker", fixture.Broker.Address, "--topic", $"smoke-{scenario}", "--count", count, "--duration", "5s",
            "--report-dir", reports.Path, "--name", scenario, .. extra];

        int exit = await LoadCli.RunAsync(args, stdout, stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}\n{stderr}\n{fixture.Broker.Output}");
        var report = ReportFiles.FromJson(await File.ReadAllTextAsync(Path.Combine(reports.Path, scenario + ".json")))!;
        long expected = long.Parse(count);
        Assert.Equal("fastbroker", report.Target);
        Assert.StartsWith("fastbroker/", report.ServerVersion);
        Assert.StartsWith("fsync always", report.Durability);
        Assert.Equal(expected, report.Result.Published);
        Assert.Equal(scenario == "publish" ? 0 : expected, report.Result.Consumed);
        Assert.Equal("count reached", report.Result.EndReason);
        Assert.True(report.Result.MessagesPerSecond > 0);
        Assert.Equal(scenario is "e2e" or "latency", report.Latency is not null);
        Assert.True(File.Exists(Path.Combine(reports.Path, scenario + ".md")));
        Assert.Contains("<svg ", await File.ReadAllTextAsync(Path.Combine(reports.Path, scenario + ".html")));
        Assert.Contains($"| fastbroker | {report.ServerVersion} |", stdout.ToString());
    }

    [Theory]
    [InlineData("queue", "pull", "queue/pull", "shared subscriptions")]
    [InlineData("queue", "push", "queue/push", "shared subscriptions")]
    [InlineData("stream", null, "stream", "stream groups")]
    public async Task Fanout_delivers_every_message_to_every_subscription(string consumers, string? receive, string mode, string durability)
    {
        string name = $"fanout-{consumers}-{receive}";
        using var reports = new TempDirectory($"smoke-{name}");
        var stderr = new StringWriter();
        string[] args = ["fanout", "--fastbroker", fixture.Broker.Address, "--topic", $"smoke-{name}", "--partitions", "2", "--fanout", "3",
            "--fastbroker-consumers", consumers, .. receive is null ? Array.Empty<string>() : ["--queue-receive", receive],
            "--count", "3000", "--duration", "5s", "--report-dir", reports.Path, "--name", name];

        int exit = await LoadCli.RunAsync(args, new StringWriter(), stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}\n{stderr}\n{fixture.Broker.Output}");
        var report = ReportFiles.FromJson(await File.ReadAllTextAsync(Path.Combine(reports.Path, name + ".json")))!;
        Assert.Equal(mode, report.Consumers);
        Assert.Equal("fanout x3", report.ScenarioLabel);
        Assert.Contains(durability, report.Durability);
        Assert.Equal(3_000, report.Result.Published);
        Assert.Equal(9_000, report.Result.Consumed);
        Assert.Equal(9_000, report.Latency!.Count);
        Assert.Equal("count reached", report.Result.EndReason);
        for (int k = 0; k < 3; k++)
            Assert.Contains(report.Notes, note => note.StartsWith($"Subscription {k}: 3,000 delivered", StringComparison.Ordinal) && note.EndsWith("0 missing, 0 duplicates.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("consume", "pull", "3000")]
    [InlineData("consume", "push", "3000")]
    [InlineData("e2e", "pull", "3000")]
    [InlineData("e2e", "push", "3000")]
    [InlineData("latency", "pull", "2000", "--rate", "2000")]
    [InlineData("latency", "push", "2000", "--rate", "2000")]
    public async Task Each_consuming_scenario_runs_with_queue_consumers_that_ack_every_message(string scenario, string receive, string count, params string[] extra)
    {
        using var reports = new TempDirectory($"smoke-queue-{scenario}-{receive}");
        string topic = $"smoke-queue-{scenario}-{receive}";
        var stderr = new StringWriter();
        // Three consumers on two partitions: more than stream cursors could use, all of them competing.
        string[] args = [scenario, "--fastbroker", fixture.Broker.Address, "--topic", topic, "--partitions", "2", "--consumers", "3",
            "--fastbroker-consumers", "queue", "--queue-receive", receive,
            "--count", count, "--duration", "5s", "--report-dir", reports.Path, "--name", scenario, .. extra];

        int exit = await LoadCli.RunAsync(args, new StringWriter(), stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}\n{stderr}\n{fixture.Broker.Output}");
        var report = ReportFiles.FromJson(await File.ReadAllTextAsync(Path.Combine(reports.Path, scenario + ".json")))!;
        long expected = long.Parse(count);
        Assert.Equal($"queue/{receive}", report.Consumers);
        Assert.Equal(3, report.Parameters.Consumers);
        Assert.Contains("consumers compete on one queue", report.Durability);
        Assert.Equal(expected, report.Result.Published);
        Assert.Equal(expected, report.Result.Consumed);
        Assert.Equal("count reached", report.Result.EndReason);
        Assert.Equal(scenario is "e2e" or "latency", report.Latency is not null);
        // Every message handled was acked: the queue is empty and nothing is left in flight.
        await using var connection = await BrokerConnection.ConnectAsync(fixture.Broker.Address);
        var stats = await connection.GetQueueStatsAsync(topic, topic);
        Assert.Equal(expected, stats.Acked);
        Assert.Equal(0, stats.Depth);
    }

    [Fact]
    public async Task A_broken_threshold_against_the_real_broker_exits_3()
    {
        using var reports = new TempDirectory("smoke-threshold");
        var stdout = new StringWriter();

        int exit = await LoadCli.RunAsync(["publish", "--fastbroker", fixture.Broker.Address, "--topic", "smoke-threshold", "--count", "1000",
            "--duration", "5s", "--min-throughput", "1G", "--report-dir", reports.Path, "--name", "t"], stdout, new StringWriter(), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(ExitCodes.ThresholdBroken, exit);
        Assert.True(File.Exists(Path.Combine(reports.Path, "t.json")));
    }
}
