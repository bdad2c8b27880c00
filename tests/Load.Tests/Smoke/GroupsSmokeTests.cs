using FastBroker.ClientLite;
using FastBroker.Load.Cli;
using FastBroker.Load.Reports;
using FastBroker.Load.Tests.Infrastructure;

namespace FastBroker.Load.Tests.Smoke;

/// <summary>The groups scenario and unkeyed publishing against the real broker binary.</summary>
public sealed class GroupsSmokeTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task A_rebalance_run_delivers_every_message()
    {
        using var reports = new TempDirectory("smoke-groups");
        var stderr = new StringWriter();
        // A 2 s session (heartbeat every 667 ms) leaves room for a slow machine; the shortest run it allows is 20 s.
        string[] args = ["groups", "--fastbroker", fixture.Broker.Address, "--topic", "smoke-groups", "--partitions", "6", "--consumers", "2",
            "--rate", "1000", "--duration", "20s", "--session-timeout", "2s", "--linger", "0", "--report-dir", reports.Path, "--name", "groups"];

        int exit = await LoadCli.RunAsync(args, new StringWriter(), stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}\n{stderr}\n{fixture.Broker.Output}");
        var report = ReportFiles.FromJson(await File.ReadAllTextAsync(Path.Combine(reports.Path, "groups.json")))!;
        Assert.Equal("groups 2+1-1-1 @ 1,000 msg/s", report.ScenarioLabel);
        Assert.Contains("members of one group whose partitions the broker assigns", report.Durability);
        Assert.Equal(20_000, report.Result.Published);
        // Every message arrives. Duplicates are not judged here: with other test assemblies running alongside, a member
        // starved past its 2 s session loses its partitions in any phase, and the reads since its last commit come
        // again, as they must. That a clean join or leave delivers nothing twice is tested without load
        // (Integration.Tests ConsumerGroupTests).
        Assert.Contains(report.Notes, n => n.StartsWith("Group total: 20,000 published, 20,000 received, ", StringComparison.Ordinal)
            && n.EndsWith(" duplicates, 0 missing.", StringComparison.Ordinal));
        Assert.Equal(7, report.Notes.Count(n => n.StartsWith("Phase ", StringComparison.Ordinal)));
        Assert.Equal(3, report.Notes.Count(n => n.StartsWith("Change ", StringComparison.Ordinal) && n.Contains("settled after", StringComparison.Ordinal)));
        Assert.Equal(3, report.Notes.Count(n => n.StartsWith("Member ", StringComparison.Ordinal)));
        Assert.Equal(report.Result.Consumed, report.Latency!.Count);
    }

    [Fact]
    public async Task Unkeyed_publishes_are_spread_over_the_partitions()
    {
        using var reports = new TempDirectory("smoke-spread");
        // Without linger the producer sends its first batches at once, each to the next partition.
        string[] args = ["publish", "--fastbroker", fixture.Broker.Address, "--topic", "smoke-spread", "--partitions", "4", "--producers", "1",
            "--linger", "0", "--count", "2000", "--duration", "5s", "--report-dir", reports.Path, "--name", "spread"];

        int exit = await LoadCli.RunAsync(args, new StringWriter(), new StringWriter(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.Ok, exit);
        await using var connection = await BrokerConnection.ConnectAsync(fixture.Broker.Address);
        var metadata = await connection.GetTopicMetadataAsync("smoke-spread");
        Assert.Equal(2_000, metadata.Partitions.Sum(p => p.EndOffset - p.StartOffset));
        Assert.True(metadata.Partitions.Count(p => p.EndOffset > p.StartOffset) >= 2,
            $"messages per partition: {string.Join(", ", metadata.Partitions.Select(p => p.EndOffset - p.StartOffset))}");
    }
}
