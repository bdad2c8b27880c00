using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Tests.Subscriptions;

public sealed class SharedSubscriptionDeliveryTests : IAsyncLifetime
{
    private const long A = 1;
    private const long B = 2;
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private static string[] Values(IEnumerable<DeliveredMessage> messages) => messages.Select(m => m.Value).ToArray();

    private static long[] Offsets(IEnumerable<DeliveredMessage> messages) => messages.Select(m => m.Offset).ToArray();

    [Fact]
    public async Task A_delivery_lists_only_the_offsets_it_hands_out_and_carries_the_batches_holding_them()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await _broker.PublishAsync("orders", 0, "a0", "a1", "a2", "a3", "a4");
        await _broker.PublishAsync("orders", 0, "b5", "b6", "b7", "b8", "b9");

        var first = QueueBroker.Receive(queue, A, max: 3);
        Assert.Equal(["a0", "a1", "a2"], Values(first));
        Assert.All(first, m => Assert.Equal(1, m.Deliveries));

        // Two more from the first batch and two from the second: both batches travel, only four offsets are listed.
        var second = QueueBroker.Receive(queue, B, max: 4);
        Assert.Equal([3L, 4L, 5L, 6L], Offsets(second));
        Assert.Equal(["a3", "a4", "b5", "b6"], Values(second));

        Assert.Equal([7L, 8L, 9L], Offsets(QueueBroker.Receive(queue, A, max: 100)));
        Assert.Empty(QueueBroker.Receive(queue, A, max: 100));
    }

    [Fact]
    public async Task Messages_of_every_partition_are_delivered_in_offset_order_within_each()
    {
        var queue = await _broker.CreateQueueAsync("jobs", "jobs", QueueBroker.Settings(), partitions: 3);
        for (int p = 0; p < 3; p++)
            await _broker.PublishAsync("jobs", p, $"p{p}-0", $"p{p}-1");

        var all = new List<DeliveredMessage>();
        for (int i = 0; i < 10; i++) all.AddRange(QueueBroker.Receive(queue, A, max: 2));
        Assert.Equal(6, all.Count);
        for (int p = 0; p < 3; p++)
            Assert.Equal([$"p{p}-0", $"p{p}-1"], all.Where(m => m.Partition == p).Select(m => m.Value));
    }

    [Fact]
    public async Task A_small_byte_budget_still_delivers_one_batch_and_gives_the_rest_back()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await _broker.PublishAsync("orders", 0, "a0", "a1");
        await _broker.PublishAsync("orders", 0, "b2", "b3");

        var first = QueueBroker.Receive(queue, A, max: 10, maxBytes: 1);
        Assert.Equal(["a0", "a1"], Values(first));
        // What did not fit was given back uncounted: the next receive gets it as a first delivery.
        var rest = QueueBroker.Receive(queue, B, max: 10);
        Assert.Equal(["b2", "b3"], Values(rest));
        Assert.All(rest, m => Assert.Equal(1, m.Deliveries));
        Assert.Equal(4, queue.Stats().InFlight);
    }

    [Fact]
    public async Task Max_in_flight_blocks_delivery_until_an_ack_makes_room()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings(maxInFlight: 3));
        await _broker.PublishManyAsync("orders", 0, 10);

        Assert.Equal([0L, 1L, 2L], Offsets(QueueBroker.Receive(queue, A, max: 10)));
        Assert.Empty(QueueBroker.Receive(queue, B, max: 10));

        Assert.Equal(1u, await QueueBroker.AckAsync(queue, (1, 1)));
        Assert.Equal([3L], Offsets(QueueBroker.Receive(queue, B, max: 10)));
        Assert.Empty(QueueBroker.Receive(queue, B, max: 10));
    }

    [Fact]
    public async Task A_message_not_acked_within_its_visibility_timeout_is_delivered_again()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings(visibilityMs: 5_000));
        await _broker.PublishAsync("orders", 0, "x", "y");
        Assert.Equal(2, QueueBroker.Receive(queue, A, max: 10).Count);

        _broker.Advance(TimeSpan.FromMilliseconds(4_999));
        Assert.Empty(QueueBroker.Receive(queue, B, max: 10));

        _broker.Advance(TimeSpan.FromMilliseconds(1));
        var again = QueueBroker.Receive(queue, B, max: 10);
        Assert.Equal(["x", "y"], Values(again));
        Assert.All(again, m => Assert.Equal(2, m.Deliveries));
    }

    [Fact]
    public async Task A_receive_can_ask_for_its_own_visibility_timeout()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings(visibilityMs: 60_000));
        await _broker.PublishAsync("orders", 0, "x");
        QueueBroker.Receive(queue, A, max: 1, visibilityMs: 100);
        _broker.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(["x"], Values(QueueBroker.Receive(queue, B, max: 1)));
    }

    [Fact]
    public async Task Nack_makes_a_message_visible_now_or_after_its_delay_and_only_for_its_holder()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await _broker.PublishAsync("orders", 0, "x", "y");
        QueueBroker.Receive(queue, A, max: 2);

        Assert.Equal(0, queue.Nack(new OffsetRange(0, 0, 2), B, 0));
        Assert.Equal(1, queue.Nack(new OffsetRange(0, 0, 1), A, 0));
        Assert.Equal(1, queue.Nack(new OffsetRange(0, 1, 1), A, 2_000));

        var now = QueueBroker.Receive(queue, B, max: 10);
        Assert.Equal([new DeliveredMessage(0, 0, 2, "x")], now);
        Assert.Equal(1, queue.Stats().Delayed);

        _broker.Advance(TimeSpan.FromMilliseconds(2_000));
        Assert.Equal([new DeliveredMessage(0, 1, 2, "y")], QueueBroker.Receive(queue, B, max: 10));
    }

    [Fact]
    public async Task Extend_keeps_a_message_hidden_past_its_first_deadline()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings(visibilityMs: 1_000));
        await _broker.PublishAsync("orders", 0, "x");
        QueueBroker.Receive(queue, A, max: 1);
        _broker.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal(0, queue.Extend(new OffsetRange(0, 0, 1), B, 5_000));
        Assert.Equal(1, queue.Extend(new OffsetRange(0, 0, 1), A, 5_000));
        _broker.Advance(TimeSpan.FromMilliseconds(4_999));
        Assert.Empty(QueueBroker.Receive(queue, B, max: 1));
        _broker.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["x"], Values(QueueBroker.Receive(queue, B, max: 1)));
    }

    [Fact]
    public async Task Releasing_a_closed_connection_makes_its_messages_visible_at_once()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await _broker.PublishAsync("orders", 0, "x", "y", "z");
        QueueBroker.Receive(queue, A, max: 2);
        QueueBroker.Receive(queue, B, max: 1);

        queue.Release(A);
        var again = QueueBroker.Receive(queue, B, max: 10);
        Assert.Equal([new DeliveredMessage(0, 0, 2, "x"), new DeliveredMessage(0, 1, 2, "y")], again);
        Assert.Equal(3, queue.Stats().InFlight);
    }

    [Fact]
    public async Task Ack_mode_none_acks_on_delivery_and_ignores_max_in_flight()
    {
        var queue = await _broker.CreateQueueAsync("events", "events", QueueBroker.Settings(visibilityMs: 1_000, maxInFlight: 2, ackMode: AckMode.None));
        await _broker.PublishManyAsync("events", 0, 5);

        Assert.Equal(5, QueueBroker.Receive(queue, A, max: 10).Count);
        var stats = queue.Stats();
        Assert.Equal(0, stats.InFlight);
        Assert.Equal(5, stats.Acked);
        Assert.Equal(0, stats.Visible);

        _broker.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(QueueBroker.Receive(queue, B, max: 10));
        await _broker.RestartAsync();
        Assert.Empty(QueueBroker.Receive(_broker.Subscription("events", "events"), B, max: 10));
    }

    [Fact]
    public async Task Wait_wakes_when_a_message_is_published()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        var wait = queue.WaitAsync(_broker.Time.GetUtcNow().AddSeconds(20), CancellationToken.None);
        Assert.False(wait.IsCompleted);
        await _broker.PublishAsync("orders", 0, "x");
        await wait.WaitAsync(QueueBroker.Patience);
        Assert.Equal(["x"], Values(QueueBroker.Receive(queue, A, max: 1)));
    }

    [Fact]
    public async Task Wait_wakes_when_a_nack_makes_a_message_visible()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await _broker.PublishAsync("orders", 0, "x");
        QueueBroker.Receive(queue, A, max: 1);

        var wait = queue.WaitAsync(_broker.Time.GetUtcNow().AddSeconds(20), CancellationToken.None);
        Assert.False(wait.IsCompleted);
        queue.Nack(new OffsetRange(0, 0, 1), A, 0);
        await wait.WaitAsync(QueueBroker.Patience);
        Assert.Equal([new DeliveredMessage(0, 0, 2, "x")], QueueBroker.Receive(queue, B, max: 1));
    }

    [Fact]
    public async Task Wait_wakes_at_the_next_lease_deadline_and_at_its_own_deadline()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings(visibilityMs: 3_000));
        await _broker.PublishAsync("orders", 0, "x");
        QueueBroker.Receive(queue, A, max: 1);

        var wait = queue.WaitAsync(_broker.Time.GetUtcNow().AddSeconds(20), CancellationToken.None);
        _broker.Advance(TimeSpan.FromMilliseconds(2_999));
        Assert.False(wait.IsCompleted);
        _broker.Advance(TimeSpan.FromMilliseconds(1));
        await wait.WaitAsync(QueueBroker.Patience);

        Assert.Single(QueueBroker.Receive(queue, B, max: 1, visibilityMs: 60_000));
        var idle = queue.WaitAsync(_broker.Time.GetUtcNow().AddSeconds(5), CancellationToken.None);
        _broker.Advance(TimeSpan.FromMilliseconds(4_999));
        Assert.False(idle.IsCompleted);
        _broker.Advance(TimeSpan.FromMilliseconds(1));
        await idle.WaitAsync(QueueBroker.Patience);
    }
}
