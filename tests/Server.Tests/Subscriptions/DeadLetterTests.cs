using System.Text;
using FastBroker.Server.Subscriptions;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Tests.Subscriptions;

public sealed class DeadLetterTests : IAsyncLifetime
{
    private const long A = 1;
    private const long B = 2;
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private Task<long> PublishPoisonAsync(string topic, int partition, long timestamp)
    {
        using var builder = new RecordBatchBuilder();
        RecordHeader[] headers = [new("trace", Encoding.UTF8.GetBytes("t-1"))];
        builder.Append(timestamp, hasKey: true, Encoding.UTF8.GetBytes("k1"), headers, Encoding.UTF8.GetBytes("poison"));
        builder.Append(timestamp + 1, hasKey: false, default, default, Encoding.UTF8.GetBytes("fine"));
        return _broker.PublishAsync(topic, partition, builder.Seal().Span);
    }

    // Times the lease out: the one-second tick applies the deadline even with no receiver asking.
    private void TimeOut(SharedSubscription queue) => _broker.Advance(TimeSpan.FromMilliseconds(queue.Settings.VisibilityTimeoutMs));

    [Fact]
    public async Task A_message_out_of_deliveries_moves_to_the_dead_letter_topic_with_its_origin_in_headers()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings(visibilityMs: 1_000, maxDeliveries: 2));
        long timestamp = _broker.NowMs - 5_000;
        await PublishPoisonAsync("orders", 0, timestamp);

        Assert.Equal(2, QueueBroker.Receive(queue, A, max: 10).Count);
        await QueueBroker.AckAsync(queue, (1, 1));
        TimeOut(queue);
        Assert.Equal([new DeliveredMessage(0, 0, 2, "poison")], QueueBroker.Receive(queue, B, max: 10));
        TimeOut(queue);

        await QueueBroker.EventuallyAsync(() => queue.Stats().DeadLettered == 1, "the dead-letter move");
        var moved = Assert.Single(_broker.ReadAll("orders.dlq"));
        Assert.Equal("k1", moved.Key);
        Assert.Equal("poison", moved.Value);
        Assert.Equal(timestamp, moved.Timestamp);
        Assert.Equal(
            [("trace", "t-1"),
             (DeadLetterHeaders.SourceTopic, "orders"),
             (DeadLetterHeaders.SourceSubscription, "orders"),
             (DeadLetterHeaders.SourcePartition, "0"),
             (DeadLetterHeaders.SourceOffset, "0"),
             (DeadLetterHeaders.DeliveryCount, "2"),
             (DeadLetterHeaders.Reason, DeadLetterHeaders.MaxDeliveriesReason)],
            moved.Headers);

        var stats = queue.Stats();
        Assert.Equal(0, stats.Visible);
        Assert.Equal(0, stats.InFlight);
        Assert.Equal(-1, stats.OldestUnackedAgeMs);
        Assert.Empty(QueueBroker.Receive(queue, A, max: 10));

        await _broker.RestartAsync();
        var reopened = _broker.Subscription("orders", "orders");
        Assert.Empty(QueueBroker.Receive(reopened, A, max: 10));
        Assert.Equal(1, reopened.Stats().DeadLettered);
        Assert.Single(_broker.ReadAll("orders.dlq"));
    }

    [Fact]
    public async Task A_nack_of_the_last_allowed_delivery_dead_letters_to_the_subscriptions_default_topic()
    {
        var queue = await _broker.CreateQueueAsync("orders", "billing", QueueBroker.Settings(maxDeliveries: 1), partitions: 3);
        Assert.Equal("orders.billing.dlq", queue.Settings.DeadLetterTopic);
        await PublishPoisonAsync("orders", 2, _broker.NowMs);

        var delivered = QueueBroker.Receive(queue, A, max: 10);
        Assert.Equal(2, delivered.Count);
        Assert.All(delivered, m => Assert.Equal(2, m.Partition));
        Assert.Equal(1, queue.Nack(new OffsetRange(2, 0, 1), A, delayMs: 60_000));

        await QueueBroker.EventuallyAsync(() => queue.Stats().DeadLettered == 1, "the dead-letter move");
        var moved = Assert.Single(_broker.ReadAll("orders.billing.dlq"));
        Assert.Equal("billing", moved.Header(DeadLetterHeaders.SourceSubscription));
        Assert.Equal("2", moved.Header(DeadLetterHeaders.SourcePartition));
        Assert.Equal("1", moved.Header(DeadLetterHeaders.DeliveryCount));
        Assert.Equal(0, queue.Stats().Delayed);
    }

    [Fact]
    public async Task Dead_letters_go_to_the_topic_the_subscription_names()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings(maxDeliveries: 1, dlq: "parking-lot"));
        await _broker.PublishAsync("orders", 0, "a", "b", "c");
        QueueBroker.Receive(queue, A, max: 3);
        queue.Release(A);

        await QueueBroker.EventuallyAsync(() => queue.Stats().DeadLettered == 3, "three dead-letter moves");
        var moved = _broker.ReadAll("parking-lot");
        // Moved one at a time, in the order they gave up.
        Assert.Equal(["a", "b", "c"], moved.Select(r => r.Value));
        Assert.Equal(["0", "1", "2"], moved.Select(r => r.Header(DeadLetterHeaders.SourceOffset)));
        Assert.False(_broker.Registry.TryGet("orders.dlq", out _));
    }

    [Fact]
    public async Task A_move_still_in_progress_at_shutdown_is_recorded_before_the_ack_log_closes()
    {
        for (int round = 0; round < 5; round++)
        {
            string name = $"orders{round}";
            var queue = await _broker.CreateQueueAsync(name, name, QueueBroker.Settings(maxDeliveries: 1, dlq: $"dlq{round}"));
            await _broker.PublishAsync(name, 0, $"x{round}");
            QueueBroker.Receive(queue, A, max: 1);
            Assert.Equal(1, queue.Nack(new OffsetRange(0, 0, 1), A, 0));

            await _broker.RestartAsync();

            // Moved exactly once: in the dead-letter topic, and never delivered again.
            var reopened = _broker.Subscription(name, name);
            Assert.Equal([$"x{round}"], _broker.ReadAll($"dlq{round}").Select(r => r.Value));
            Assert.Empty(QueueBroker.Receive(reopened, B, max: 10));
            Assert.Equal(1, reopened.Stats().DeadLettered);
        }
    }

    [Fact]
    public async Task An_ack_arriving_while_the_message_is_being_moved_does_not_count()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings(visibilityMs: 1_000, maxDeliveries: 1));
        await _broker.PublishAsync("orders", 0, "x");
        QueueBroker.Receive(queue, A, max: 1);
        TimeOut(queue);
        // The late ack may land before or after the move completes: either way it applies to nothing.
        Assert.Equal(0u, await QueueBroker.AckAsync(queue, (0, 1)));
        await QueueBroker.EventuallyAsync(() => queue.Stats().DeadLettered == 1, "the dead-letter move");
        Assert.Single(_broker.ReadAll("orders.dlq"));
    }
}
