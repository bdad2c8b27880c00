using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Tests.Subscriptions;

public sealed class SubscriptionStatsTests : IAsyncLifetime
{
    private const long A = 1;
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Stats_count_each_state_and_the_totals()
    {
        var settings = QueueBroker.Settings(visibilityMs: 10_000, maxDeliveries: 4, maxInFlight: 50);
        var queue = await _broker.CreateQueueAsync("orders", "orders", settings);
        await _broker.PublishManyAsync("orders", 0, 10);
        _broker.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(4, QueueBroker.Receive(queue, A, max: 4).Count);
        await QueueBroker.AckAsync(queue, (0, 1));
        queue.Nack(new OffsetRange(0, 1, 1), A, delayMs: 60_000);

        var stats = queue.Stats();
        Assert.Equal(settings with { DeadLetterTopic = "orders.dlq" }, stats.Settings);
        Assert.Equal(6, stats.Visible);
        Assert.Equal(2, stats.InFlight);
        Assert.Equal(1, stats.Delayed);
        Assert.Equal(0, stats.DeadLettered);
        Assert.Equal(4, stats.Delivered);
        Assert.Equal(1, stats.Acked);
        // Published 5 s ago, and offset 1 (the oldest not acked) is in the first batch.
        Assert.Equal(5_000, stats.OldestUnackedAgeMs);
    }

    [Fact]
    public async Task Stats_apply_lease_deadlines_before_counting()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings(visibilityMs: 300));
        await _broker.PublishAsync("orders", 0, "x", "y");
        QueueBroker.Receive(queue, A, max: 2);
        Assert.Equal(2, queue.Stats().InFlight);
        // Less than the one-second tick: only the stats call itself can notice the timeout.
        _broker.Advance(TimeSpan.FromMilliseconds(300));
        var stats = queue.Stats();
        Assert.Equal(0, stats.InFlight);
        Assert.Equal(2, stats.Visible);
    }

    [Fact]
    public async Task An_empty_queue_has_no_oldest_message()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        Assert.Equal(-1, queue.Stats().OldestUnackedAgeMs);
        await _broker.PublishAsync("orders", 0, "x");
        QueueBroker.Receive(queue, A, max: 1);
        await QueueBroker.AckAsync(queue, (0, 1));
        var stats = queue.Stats();
        Assert.Equal(-1, stats.OldestUnackedAgeMs);
        Assert.Equal(0, stats.Visible + stats.InFlight + stats.Delayed);
    }

    [Fact]
    public async Task Rates_follow_deliveries_and_acks_per_second()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await _broker.PublishManyAsync("orders", 0, 100);
        _broker.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(40, QueueBroker.Receive(queue, A, max: 40).Count);
        await QueueBroker.AckAsync(queue, (0, 20));
        _broker.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(40, QueueBroker.Receive(queue, A, max: 40).Count);
        await QueueBroker.AckAsync(queue, (20, 20));
        _broker.Advance(TimeSpan.FromSeconds(1));

        var stats = queue.Stats();
        Assert.Equal(40u, stats.DeliverRate);
        Assert.Equal(20u, stats.AckRate);
        Assert.Equal(80, stats.Delivered);
        Assert.Equal(40, stats.Acked);
    }
}
