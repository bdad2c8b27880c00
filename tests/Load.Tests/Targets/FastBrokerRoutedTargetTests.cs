using FastBroker.ClientLite;
using FastBroker.Load.Cli;
using FastBroker.Load.Reports;
using FastBroker.Load.Targets;
using FastBroker.Load.Tests.Infrastructure;
using FastBroker.Load.Tests.Peers;
using FastBroker.Load.Tests.Smoke;

namespace FastBroker.Load.Tests.Targets;

/// <summary>The FastBroker target in a routed run (--routes) against the real broker binary: filtered shared
/// subscriptions, keyed publishers, consumers pulling from every route.</summary>
public sealed class FastBrokerRoutedTargetTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Each_route_s_subscription_gets_exactly_its_share_and_consumers_see_every_message_once()
    {
        const int routes = 4;
        using var deadline = new CancellationTokenSource(Deadline);
        await using var target = CreateTarget(routes, batch: 100);
        await target.PrepareAsync("routed", 2, deadline.Token);

        var tally = new MessageTally(PeerScenario.MessageCount);
        using var allSeen = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        bool Handle(ReadOnlySpan<byte> payload)
        {
            if (tally.Record(payload) >= PeerScenario.MessageCount)
                allSeen.Cancel();
            return true;
        }
        var consumers = new IConsumer[3];
        for (int i = 0; i < consumers.Length; i++)
            consumers[i] = await target.CreateConsumerAsync("ignored", deadline.Token);
        long[] handled;
        try
        {
            // Consuming while publishing from one publisher: its message i goes to route i % routes.
            var consuming = Task.WhenAll(Array.ConvertAll(consumers, c => c.ConsumeAsync(Handle, allSeen.Token)));
            await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
                await PeerScenario.PublishAsync(publisher, 0, PeerScenario.MessageCount, deadline.Token);
            handled = await consuming;
        }
        finally
        {
            foreach (var consumer in consumers)
                await consumer.DisposeAsync();
        }

        Assert.False(deadline.IsCancellationRequested, $"timed out with {tally.Total} of {PeerScenario.MessageCount} consumed");
        Assert.Equal(0, tally.Corrupt);
        Assert.Equal(0, tally.Duplicates);
        Assert.Equal(PeerScenario.MessageCount, tally.Distinct);
        Assert.Equal(tally.Total, handled.Sum());
        await using var connection = await BrokerConnection.ConnectAsync(fixture.Broker.Address, cancellationToken: deadline.Token);
        for (int k = 0; k < routes; k++)
        {
            // Every consumer returned only after its acks were answered; each filter took a quarter and skipped the rest.
            var stats = await connection.GetQueueStatsAsync("routed", FastBrokerTarget.RouteSubscription("routed", k), deadline.Token);
            Assert.Equal(PeerScenario.MessageCount / routes, stats.Delivered);
            Assert.Equal(PeerScenario.MessageCount / routes, stats.Acked);
            Assert.Equal(0, stats.Depth);
        }
    }

    [Fact]
    public async Task A_routed_message_carries_its_route_s_key()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await using var target = CreateTarget(routes: 3, batch: 10);
        await target.PrepareAsync("routed-keys", 1, deadline.Token);
        await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
            await PeerScenario.PublishAsync(publisher, 0, 6, deadline.Token);

        await using var connection = await BrokerConnection.ConnectAsync(fixture.Broker.Address, cancellationToken: deadline.Token);
        var queue = connection.OpenSubscription("routed-keys", FastBrokerTarget.RouteSubscription("routed-keys", 1));
        var received = await queue.ReceiveAsync(10, TimeSpan.FromSeconds(5), cancellationToken: deadline.Token);

        // Messages 1 and 4 of the publisher are route 1's.
        Assert.Equal(["r1.0", "r1.1"], received.Select(m => System.Text.Encoding.UTF8.GetString(m.Key.Span)).Order());
        Assert.Equal([1, 4], received.Select(m => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(m.Value.Span)).Order());
    }

    [Fact]
    public async Task Prepare_recreates_the_routes_empty()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await using var target = CreateTarget(routes: 2, batch: 100);
        await target.PrepareAsync("routed-rerun", 2, deadline.Token);
        await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
            await PeerScenario.PublishAsync(publisher, 0, 20, deadline.Token);

        await target.PrepareAsync("routed-rerun", 2, deadline.Token);

        await using var connection = await BrokerConnection.ConnectAsync(fixture.Broker.Address, cancellationToken: deadline.Token);
        for (int k = 0; k < 2; k++)
            Assert.Equal(0, (await connection.GetQueueStatsAsync("routed-rerun", FastBrokerTarget.RouteSubscription("routed-rerun", k), deadline.Token)).Depth);
    }

    [Theory]
    [InlineData(FastBrokerConsumerMode.Stream, QueueReceiveMode.Pull)]
    [InlineData(FastBrokerConsumerMode.Queue, QueueReceiveMode.Push)]
    public void Routes_need_pulling_queue_consumers(FastBrokerConsumerMode mode, QueueReceiveMode receive)
    {
        Assert.Throws<ArgumentException>(() => new FastBrokerTarget(fixture.Broker.Address,
            new FastBrokerTargetOptions { Routes = 2, ConsumerMode = mode, QueueReceive = receive }));
    }

    [Fact]
    public async Task A_routed_consume_run_from_the_command_line_drains_every_route_and_reports_the_broker_s_memory()
    {
        using var reports = new TempDirectory("smoke-routed");
        string topic = "smoke-routed";
        var stderr = new StringWriter();
        string[] args = ["consume", "--fastbroker", fixture.Broker.Address, "--topic", topic, "--routes", "10", "--count", "4000",
            "--duration", "10s", "--rss-pid", fixture.Broker.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--report-dir", reports.Path, "--name", "routed"];

        int exit = await LoadCli.RunAsync(args, new StringWriter(), stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}\n{stderr}\n{fixture.Broker.Output}");
        var report = ReportFiles.FromJson(await File.ReadAllTextAsync(Path.Combine(reports.Path, "routed.json")))!;
        Assert.Equal("consume, 10 routes", report.ScenarioLabel);
        Assert.Equal(10, report.Parameters.Routes);
        Assert.Equal(4000, report.Result.Consumed);
        Assert.Equal("count reached", report.Result.EndReason);
        Assert.Contains("routed: 10 shared subscriptions", report.Durability);
        Assert.Equal(["start", "after fill", "end"], report.BrokerMemory!.Select(m => m.Point));
        Assert.All(report.BrokerMemory!, m => Assert.True(m.RssBytes > 1 << 20, $"{m.Point}: {m.RssBytes} bytes"));
        await using var connection = await BrokerConnection.ConnectAsync(fixture.Broker.Address);
        for (int k = 0; k < 10; k++)
        {
            var stats = await connection.GetQueueStatsAsync(topic, FastBrokerTarget.RouteSubscription(topic, k));
            Assert.Equal(400, stats.Acked);
            Assert.Equal(0, stats.Depth);
        }
    }

    private FastBrokerTarget CreateTarget(int routes, int batch) => new(fixture.Broker.Address, new FastBrokerTargetOptions
    {
        ConsumerMode = FastBrokerConsumerMode.Queue,
        QueueReceive = QueueReceiveMode.Pull,
        QueueBatch = batch,
        Routes = routes,
    });
}
