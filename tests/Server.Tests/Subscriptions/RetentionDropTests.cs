using FastBroker.Server.Journal;
using FastBroker.Server.Subscriptions;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>When the log is deleted below messages a shared subscription has not settled (retention), they are
/// dropped and counted as expired; the subscription goes on from the log start, and after a restart too.</summary>
public sealed class RetentionDropTests : IAsyncLifetime
{
    private const long A = 1;
    private QueueBroker _broker = new(new JournalOptions { SegmentBytes = 4096 });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public void DropBelow_drops_every_unsettled_state_below_the_start_and_counts_them()
    {
        var state = new QueueState(maxDeliveries: 5);
        var taken = new List<DeliveryRange>();
        // 0-9 delivered to A: 0-1 acked, 2 nacked (ready), 3 nacked with a delay, 4-9 in flight; 10-19 never delivered.
        Assert.Equal(10, state.Acquire(nowMs: 0, end: 20, max: 10, holder: A, visibilityMs: 30_000, autoAck: false, taken));
        Assert.Equal(2, state.Ack(0, 2));
        Assert.Equal(1, state.Nack(2, 1, A, delayMs: 0, nowMs: 0));
        Assert.Equal(1, state.Nack(3, 1, A, delayMs: 60_000, nowMs: 0));

        long dropped = state.DropBelow(15);

        // 2..9 had leases (8), 10..14 were never delivered (5).
        Assert.Equal(13, dropped);
        Assert.Equal((15L, 15L, 0, 0, 0), (state.Floor, state.Next, state.InFlight, state.ReadyCount, state.Delayed));
        Assert.Equal(5, state.Visible(20));
        Assert.Equal(0, state.Ack(4, 6));
        Assert.Equal(0, state.DropBelow(15));
        Assert.Equal(0, state.DropBelow(3));
    }

    [Fact]
    public void DropBelow_does_not_count_offsets_already_done()
    {
        var state = new QueueState(maxDeliveries: 5);
        var taken = new List<DeliveryRange>();
        state.Acquire(0, 10, 10, A, 30_000, autoAck: false, taken);
        state.Ack(5, 5);

        Assert.Equal(5, state.DropBelow(10));
        Assert.Equal(10, state.Floor);
    }

    [Fact]
    public async Task Messages_deleted_below_the_floor_are_counted_expired_and_delivery_goes_on_from_the_log_start()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await _broker.PublishManyAsync("orders", 0, 800, perBatch: 20);
        Assert.Equal(100, QueueBroker.Receive(queue, A, max: 100).Count);
        var journal = _broker.Journal("orders");

        // What retention does: the partition's writer deletes whole segments below an offset nobody acked past.
        Assert.True(_broker.Registry.TryGet("orders", out var topic));
        topic.Partitions[0].RequestTrim(600);
        await QueueBroker.EventuallyAsync(() => journal.StartOffset > 100, "segments below 600 to be deleted");
        long start = journal.StartOffset;
        Assert.True(start <= 600, $"the start {start} passed the trim point");
        _broker.Advance(TimeSpan.FromSeconds(1));
        await QueueBroker.EventuallyAsync(() => queue.Stats().Expired == start, "the tick to drop what is gone");

        var stats = queue.Stats();
        Assert.Equal((0L, 800 - start), (stats.InFlight, stats.Visible));
        var next = QueueBroker.Receive(queue, A, max: 5);
        Assert.Equal(start, next[0].Offset);
        Assert.Equal(0u, await QueueBroker.AckAsync(queue, (0, 100)));

        await _broker.RestartAsync();
        var reopened = _broker.Subscription("orders", "orders");
        var again = QueueBroker.Receive(reopened, A, max: 1_000);
        Assert.Equal(start, again[0].Offset);
        Assert.Equal(800 - start, again.Count);
    }

    [Fact]
    public async Task A_receive_after_the_log_moved_drops_what_is_gone_before_delivering()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await _broker.PublishManyAsync("orders", 0, 400, perBatch: 20);
        Assert.True(_broker.Registry.TryGet("orders", out var topic));
        var journal = _broker.Journal("orders");

        topic.Partitions[0].RequestTrim(300);
        await QueueBroker.EventuallyAsync(() => journal.StartOffset > 0, "segments to be deleted");

        // No tick has run: the receive itself finds the floor below the log start.
        var delivered = QueueBroker.Receive(queue, A, max: 1);
        Assert.Equal(journal.StartOffset, delivered[0].Offset);
        Assert.Equal(journal.StartOffset, queue.Stats().Expired);
    }
}
