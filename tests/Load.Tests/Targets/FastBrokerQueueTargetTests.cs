using FastBroker.ClientLite;
using FastBroker.Load.Targets;
using FastBroker.Load.Tests.Peers;
using FastBroker.Load.Tests.Smoke;

namespace FastBroker.Load.Tests.Targets;

/// <summary>The FastBroker target in queue mode against the real broker binary, pulling and pushed.</summary>
public sealed class FastBrokerQueueTargetTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static TheoryData<QueueReceiveMode> Modes => new() { QueueReceiveMode.Pull, QueueReceiveMode.Push };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Three_consumers_on_two_partitions_see_every_message_once_and_ack_each(QueueReceiveMode mode)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        string topic = $"share-{mode}".ToLowerInvariant();
        await using var target = CreateTarget(mode, batch: 100);
        await target.PrepareAsync(topic, 2, deadline.Token);

        var tally = new MessageTally(PeerScenario.MessageCount);
        using var allSeen = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        bool Handle(ReadOnlySpan<byte> payload)
        {
            if (tally.Record(payload) >= PeerScenario.MessageCount)
                allSeen.Cancel();
            return true;
        }
        // More consumers than partitions: queue consumers compete for every partition, so none of them sits idle by design.
        var consumers = new IConsumer[3];
        for (int i = 0; i < consumers.Length; i++)
            consumers[i] = await target.CreateConsumerAsync("ignored", deadline.Token);
        long[] handled;
        try
        {
            // Consuming while publishing: the consumers have to be woken by new messages, not only drain a backlog.
            var consuming = Task.WhenAll(Array.ConvertAll(consumers, c => c.ConsumeAsync(Handle, allSeen.Token)));
            await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
                await PeerScenario.PublishConcurrentlyAsync(publisher, PeerScenario.MessageCount, writers: 4, deadline.Token);
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
        // Every consumer returned only after its acks were answered, so the broker has all of them.
        var stats = await StatsAsync(topic, deadline.Token);
        Assert.Equal(PeerScenario.MessageCount, stats.Acked);
        Assert.Equal(PeerScenario.MessageCount, stats.Delivered);
        Assert.Equal(0, stats.Depth);
        Assert.Equal(0, stats.DeadLettered);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_consumer_stopped_by_its_handler_acks_only_what_it_handled(QueueReceiveMode mode)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        string topic = $"stop-{mode}".ToLowerInvariant();
        await using var target = CreateTarget(mode, batch: 50);
        await target.PrepareAsync(topic, 1, deadline.Token);
        await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
            await PeerScenario.PublishAsync(publisher, 0, 100, deadline.Token);

        var tally = new MessageTally(100);
        long handled;
        await using (var consumer = await target.CreateConsumerAsync("ignored", deadline.Token))
            handled = await PeerScenario.ConsumeAsync(consumer, tally, 10, deadline.Token);

        Assert.Equal(10, handled);
        Assert.Equal(10, tally.Distinct);
        // Closing the consumer's connection gives back what it received and did not handle.
        var stats = await StatsAsync(topic, deadline.Token, until: s => s.InFlight == 0);
        Assert.Equal(10, stats.Acked);
        Assert.Equal(90, stats.Visible);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_message_delivered_a_second_time_fails_the_consumer(QueueReceiveMode mode)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        string topic = $"again-{mode}".ToLowerInvariant();
        await using var target = CreateTarget(mode, batch: 10);
        await target.PrepareAsync(topic, 1, deadline.Token);
        await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
            await PeerScenario.PublishAsync(publisher, 0, 1, deadline.Token);
        // Another consumer receives the message and gives it back: its next delivery is its second.
        await using (var other = await BrokerConnection.ConnectAsync(fixture.Broker.Address, cancellationToken: deadline.Token))
        {
            var queue = other.OpenQueue(topic);
            var received = await queue.ReceiveAsync(10, TimeSpan.FromSeconds(5), cancellationToken: deadline.Token);
            Assert.Single(received);
            await queue.NackAsync(received, TimeSpan.Zero, deadline.Token);
        }

        int calls = 0;
        await using var consumer = await target.CreateConsumerAsync("ignored", deadline.Token);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => consumer.ConsumeAsync(_ => ++calls > 0, deadline.Token));

        Assert.Contains("delivered 2 times", failure.Message);
        Assert.Equal(0, calls);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task An_ack_the_broker_refuses_fails_the_consumer(QueueReceiveMode mode)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        string topic = $"refused-{mode}".ToLowerInvariant();
        await using var target = CreateTarget(mode, batch: 10);
        await target.PrepareAsync(topic, 1, deadline.Token);
        await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
            await PeerScenario.PublishAsync(publisher, 0, 5, deadline.Token);
        await using var admin = await BrokerConnection.ConnectAsync(fixture.Broker.Address, cancellationToken: deadline.Token);

        await using var consumer = await target.CreateConsumerAsync("ignored", deadline.Token);
        // The subscription disappears between delivery and ack, so the ack that follows is refused.
        var failure = await Assert.ThrowsAsync<BrokerException>(() => consumer.ConsumeAsync(_ =>
        {
            admin.DeleteSubscriptionAsync(topic, topic, deadline.Token).AsTask().GetAwaiter().GetResult();
            return false;
        }, deadline.Token));

        Assert.Equal(Wire.ErrorCode.UnknownSubscription, failure.Code);
    }

    [Fact]
    public async Task Prepare_recreates_the_queue_empty()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await using var target = CreateTarget(QueueReceiveMode.Pull, batch: 100);
        await target.PrepareAsync("rerun", 3, deadline.Token);
        await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
            await PeerScenario.PublishAsync(publisher, 0, 30, deadline.Token);

        await target.PrepareAsync("rerun", 3, deadline.Token);
        await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
            await PeerScenario.PublishAsync(publisher, 100, 6, deadline.Token);
        var tally = new MessageTally(200);
        await using (var consumer = await target.CreateConsumerAsync("after", deadline.Token))
            Assert.Equal(6, await PeerScenario.ConsumeAsync(consumer, tally, 6, deadline.Token));

        for (int i = 100; i < 106; i++)
            Assert.True(tally.Saw(i), $"message {i} of the second run was not delivered");
        var stats = await StatsAsync("rerun", deadline.Token);
        Assert.Equal(6, stats.Acked);
        Assert.Equal(0, stats.Depth);
    }

    private FastBrokerTarget CreateTarget(QueueReceiveMode mode, int batch) => new(fixture.Broker.Address, new FastBrokerTargetOptions
    {
        ConsumerMode = FastBrokerConsumerMode.Queue,
        QueueReceive = mode,
        QueueBatch = batch,
    });

    /// <summary>The queue's stats, once <paramref name="until"/> holds (the broker applies a closed connection's
    /// releases on its own schedule) or the token ends the wait.</summary>
    private async Task<QueueStats> StatsAsync(string topic, CancellationToken cancellationToken, Func<QueueStats, bool>? until = null)
    {
        await using var connection = await BrokerConnection.ConnectAsync(fixture.Broker.Address, cancellationToken: cancellationToken);
        while (true)
        {
            var stats = await connection.GetQueueStatsAsync(topic, topic, cancellationToken);
            if (until is null || until(stats) || cancellationToken.IsCancellationRequested)
                return stats;
            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
        }
    }
}
