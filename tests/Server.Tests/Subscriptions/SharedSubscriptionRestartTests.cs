using FastBroker.Server.Journal;
using FastBroker.Server.Subscriptions;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Tests.Subscriptions;

public sealed class SharedSubscriptionRestartTests : IAsyncLifetime
{
    private const long A = 1;
    private const long B = 2;
    private QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private SharedSubscription Orders => _broker.Subscription("orders", "orders");

    private static long[] Offsets(IEnumerable<DeliveredMessage> messages) => messages.Select(m => m.Offset).ToArray();

    private async Task<SharedSubscription> OrdersQueueAsync(SubscriptionSettings? settings = null, JournalOptions? journal = null, QueueLimits? limits = null)
    {
        if (journal is not null || limits is not null)
        {
            await _broker.DisposeAsync();
            _broker = new QueueBroker(journal, limits);
        }
        return await _broker.CreateQueueAsync("orders", "orders", settings ?? QueueBroker.Settings());
    }

    [Fact]
    public async Task Acked_messages_stay_acked_across_a_restart_and_those_in_flight_come_back()
    {
        var queue = await OrdersQueueAsync();
        await _broker.PublishManyAsync("orders", 0, 10);
        Assert.Equal(6, QueueBroker.Receive(queue, A, max: 6).Count);
        Assert.Equal(3u, await QueueBroker.AckAsync(queue, (0, 2), (3, 1)));

        await _broker.RestartAsync();

        var after = QueueBroker.Receive(Orders, B, max: 100);
        Assert.Equal([2L, 4L, 5L, 6L, 7L, 8L, 9L], Offsets(after));
        // A delivery in flight at the restart never failed: it is not counted.
        Assert.All(after, m => Assert.Equal(1, m.Deliveries));
        Assert.Equal("m2", after[0].Value);
    }

    [Fact]
    public async Task An_ack_wider_than_what_was_delivered_loses_nothing_at_a_restart()
    {
        var queue = await OrdersQueueAsync();
        await _broker.PublishManyAsync("orders", 0, 10);
        QueueBroker.Receive(queue, A, max: 3);
        Assert.Equal(3u, await QueueBroker.AckAsync(queue, (0, 10)));

        await _broker.RestartAsync();

        Assert.Equal([3L, 4L, 5L, 6L, 7L, 8L, 9L], Offsets(QueueBroker.Receive(Orders, B, max: 100)));
    }

    [Fact]
    public async Task Failed_deliveries_keep_counting_after_a_restart()
    {
        var queue = await OrdersQueueAsync(QueueBroker.Settings(visibilityMs: 1_000));
        await _broker.PublishAsync("orders", 0, "x", "y");
        QueueBroker.Receive(queue, A, max: 2);
        queue.Nack(new OffsetRange(0, 0, 1), A, 0);
        _broker.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([new DeliveredMessage(0, 0, 2, "x"), new DeliveredMessage(0, 1, 2, "y")], QueueBroker.Receive(queue, B, max: 2));
        queue.Nack(new OffsetRange(0, 0, 1), B, 0);
        // Only the nack is a failure record; wait for it to be written before the restart (an ack marker flushes the log).
        await QueueBroker.AckAsync(queue);

        await _broker.RestartAsync();

        Assert.Equal([new DeliveredMessage(0, 0, 3, "x"), new DeliveredMessage(0, 1, 2, "y")], QueueBroker.Receive(Orders, A, max: 2));
    }

    [Fact]
    public async Task A_compacted_ack_log_keeps_acks_gaps_and_delivery_counts_across_a_restart()
    {
        var queue = await OrdersQueueAsync(limits: QueueLimits.Default with { AckLogCompactBytes = 20 * AckRecord.Size });
        await _broker.PublishManyAsync("orders", 0, 3_000, perBatch: 250);
        var delivered = new List<DeliveredMessage>();
        for (int i = 0; i < 6; i++) delivered.AddRange(QueueBroker.Receive(queue, A, max: 500));
        Assert.Equal(3_000, delivered.Count);

        long[] keep = [1_500, 2_000, 2_500];
        Assert.Equal(1, queue.Nack(new OffsetRange(0, 2_000, 1), A, 0));
        long acked = 0;
        for (long first = 0; first < 3_000; first += 10)
            for (long offset = first; offset < first + 10; offset++)
                if (!keep.Contains(offset)) acked += queue.Ack(new OffsetRange(0, offset, 1));
        Assert.Equal(2_997, acked);
        await QueueBroker.AckAsync(queue);

        // Compacted: a few runs, not one record per ack.
        long logBytes = new FileInfo(Path.Combine(queue.Directory, "acks.log")).Length;
        Assert.True(logBytes < 100 * AckRecord.Size, $"ack log is {logBytes} bytes");

        await _broker.RestartAsync();

        Assert.Equal([new DeliveredMessage(0, 1_500, 1, "m1500"), new DeliveredMessage(0, 2_000, 2, "m2000"), new DeliveredMessage(0, 2_500, 1, "m2500")],
            QueueBroker.Receive(Orders, B, max: 100));
        Assert.Equal(3u, await QueueBroker.AckAsync(Orders, (1_500, 1), (2_000, 1), (2_500, 1)));

        await _broker.RestartAsync();

        Assert.Empty(QueueBroker.Receive(Orders, B, max: 100));
        await _broker.PublishAsync("orders", 0, "late");
        Assert.Equal([new DeliveredMessage(0, 3_000, 1, "late")], QueueBroker.Receive(Orders, B, max: 100));
    }

    [Fact]
    public async Task A_torn_record_at_the_end_of_the_ack_log_is_dropped_and_the_rest_kept()
    {
        var queue = await OrdersQueueAsync();
        await _broker.PublishAsync("orders", 0, "x", "y", "z");
        QueueBroker.Receive(queue, A, max: 3);
        await QueueBroker.AckAsync(queue, (0, 1));
        await QueueBroker.AckAsync(queue, (1, 1));
        await QueueBroker.AckAsync(queue, (2, 1));
        string log = Path.Combine(queue.Directory, "acks.log");

        await _broker.Registry.DisposeAsync();
        using (var file = new FileStream(log, FileMode.Open, FileAccess.Write))
            file.SetLength(file.Length - 10);
        await _broker.RestartAsync();

        Assert.Equal([new DeliveredMessage(0, 2, 1, "z")], QueueBroker.Receive(Orders, B, max: 10));
        Assert.Equal(0, new FileInfo(log).Length % AckRecord.Size);
    }

    [Fact]
    public async Task Garbage_after_the_last_ack_record_is_ignored()
    {
        var queue = await OrdersQueueAsync();
        await _broker.PublishAsync("orders", 0, "x", "y");
        QueueBroker.Receive(queue, A, max: 2);
        await QueueBroker.AckAsync(queue, (0, 1));
        string log = Path.Combine(queue.Directory, "acks.log");

        await _broker.Registry.DisposeAsync();
        using (var file = new FileStream(log, FileMode.Append, FileAccess.Write))
            file.Write(Enumerable.Repeat((byte)0xAB, AckRecord.Size + 3).ToArray());
        await _broker.RestartAsync();

        Assert.Equal([new DeliveredMessage(0, 1, 1, "y")], QueueBroker.Receive(Orders, B, max: 10));
    }

    [Fact]
    public async Task Journal_segments_are_deleted_once_every_message_in_them_is_acked()
    {
        var queue = await OrdersQueueAsync(journal: new JournalOptions { SegmentBytes = 4096 });
        await _broker.PublishManyAsync("orders", 0, 800, perBatch: 20);
        var journal = _broker.Journal("orders");
        string directory = journal.Directory;
        int segments = Directory.GetFiles(directory, "*.log").Length;
        Assert.True(segments >= 4, $"only {segments} segments");

        Assert.Equal(800, QueueBroker.Receive(queue, A, max: 1_000).Count);
        Assert.Equal(600u, await QueueBroker.AckAsync(queue, (0, 600)));
        _broker.Advance(TimeSpan.FromSeconds(1));
        await QueueBroker.EventuallyAsync(() => journal.StartOffset > 0, "segments below the ack floor to be deleted");
        Assert.True(journal.StartOffset <= 600, $"start {journal.StartOffset} passed the ack floor");
        // The journal moves its start before it unlinks the files, so that no read reaches a segment on its way out.
        await QueueBroker.EventuallyAsync(() => Directory.GetFiles(directory, "*.log").Length < segments, "the deleted segments' files to be unlinked");

        Assert.Equal(200u, await QueueBroker.AckAsync(queue, (600, 200)));
        _broker.Advance(TimeSpan.FromSeconds(1));
        await QueueBroker.EventuallyAsync(() => journal.SegmentCount == 1, "every sealed segment to be deleted");
        await QueueBroker.EventuallyAsync(() => Directory.GetFiles(directory, "*.log").Length == 1, "every sealed segment's file to be unlinked");

        await _broker.RestartAsync();
        Assert.Empty(QueueBroker.Receive(Orders, B, max: 10));
        await _broker.PublishAsync("orders", 0, "after");
        Assert.Equal([new DeliveredMessage(0, 800, 1, "after")], QueueBroker.Receive(Orders, B, max: 10));
    }

    [Fact]
    public async Task Segments_stay_while_any_subscription_still_needs_them()
    {
        await OrdersQueueAsync(journal: new JournalOptions { SegmentBytes = 4096 });
        var audit = await _broker.CreateQueueAsync("orders", "audit", QueueBroker.Settings());
        await _broker.PublishManyAsync("orders", 0, 400, perBatch: 20);
        QueueBroker.Receive(Orders, A, max: 1_000);
        await QueueBroker.AckAsync(Orders, (0, 400));
        QueueBroker.Receive(audit, A, max: 10);
        await QueueBroker.AckAsync(audit, (0, 10));

        _broker.Advance(TimeSpan.FromSeconds(3));
        // The audit floor (10) is in the first segment: nothing may go. A message published now is committed by the
        // same loop that would trim, so once it is back any trim asked for has run.
        await _broker.PublishAsync("orders", 0, "fence");
        Assert.Equal(0, _broker.Journal("orders").StartOffset);
    }

    [Fact]
    public async Task A_subscription_created_after_segments_were_deleted_starts_at_the_log_end_and_survives_a_restart()
    {
        await OrdersQueueAsync(journal: new JournalOptions { SegmentBytes = 4096 });
        await _broker.PublishManyAsync("orders", 0, 400, perBatch: 20);
        QueueBroker.Receive(Orders, A, max: 1_000);
        await QueueBroker.AckAsync(Orders, (0, 400));
        _broker.Advance(TimeSpan.FromSeconds(1));
        var journal = _broker.Journal("orders");
        await QueueBroker.EventuallyAsync(() => journal.StartOffset > 0, "segments to be deleted");
        long start = journal.StartOffset;

        var audit = await _broker.CreateQueueAsync("orders", "audit", QueueBroker.Settings());
        Assert.Empty(QueueBroker.Receive(audit, B, max: 5));
        await _broker.PublishAsync("orders", 0, "p", "q", "r", "s", "t");
        var first = QueueBroker.Receive(audit, B, max: 5);
        Assert.Equal([400L, 401, 402, 403, 404], Offsets(first));
        Assert.True(start > 0);

        await _broker.RestartAsync();
        Assert.Equal(400, Offsets(QueueBroker.Receive(_broker.Subscription("orders", "audit"), B, max: 1)).Single());
    }
}
