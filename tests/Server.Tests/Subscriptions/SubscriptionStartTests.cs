using FastBroker.Server.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>Where a new shared subscription starts, and ResetSubscription moving it (PROTOCOL.md 5.12, 5.25).</summary>
public sealed class SubscriptionStartTests : IAsyncLifetime
{
    private const long A = 1;
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private static long[] Offsets(IEnumerable<DeliveredMessage> messages) => messages.Select(m => m.Offset).ToArray();

    // Offsets 0..4 at 12:00, 5..9 at 12:10 (fake clock).
    private async Task<long> HistoryAsync()
    {
        await _broker.CreateTopicAsync("orders");
        await _broker.PublishManyAsync("orders", 0, 5);
        _broker.Advance(TimeSpan.FromMinutes(10));
        long second = _broker.NowMs;
        await _broker.PublishManyAsync("orders", 0, 5);
        return second;
    }

    private async Task<SharedSubscription> CreateAsync(SubscriptionStart start)
    {
        var set = _broker.Set("orders");
        var (code, message) = await set.CreateAsync("q", QueueBroker.Settings(), start);
        Assert.True(code == ErrorCode.None, message);
        return _broker.Subscription("orders", "q");
    }

    [Fact]
    public async Task Each_start_kind_picks_its_first_offset()
    {
        long second = await HistoryAsync();
        var set = _broker.Set("orders");
        (string Name, SubscriptionStart Start, long First)[] cases =
        [
            ("latest", SubscriptionStart.Latest, 10),
            ("earliest", SubscriptionStart.Earliest, 0),
            ("offset", new SubscriptionStart(SubscriptionStartKind.Offset, 7), 7),
            ("above", new SubscriptionStart(SubscriptionStartKind.Offset, 99), 10),
            ("time", new SubscriptionStart(SubscriptionStartKind.Time, second), 5),
            ("future", new SubscriptionStart(SubscriptionStartKind.Time, second + 60_000), 10),
        ];
        foreach (var (name, start, first) in cases)
        {
            var (code, message) = await set.CreateAsync(name, QueueBroker.Settings(), start);
            Assert.True(code == ErrorCode.None, message);
            var received = QueueBroker.Receive(_broker.Subscription("orders", name), A, max: 100);
            Assert.Equal(Enumerable.Range((int)first, 10 - (int)first).Select(i => (long)i).ToArray(), Offsets(received));
        }
    }

    [Fact]
    public async Task The_starting_floor_survives_a_restart()
    {
        await HistoryAsync();
        await CreateAsync(new SubscriptionStart(SubscriptionStartKind.Offset, 3));

        await _broker.RestartAsync();

        Assert.Equal([3L, 4, 5, 6, 7, 8, 9], Offsets(QueueBroker.Receive(_broker.Subscription("orders", "q"), A, max: 100)));
    }

    [Fact]
    public async Task Reset_back_redelivers_acked_messages_and_survives_a_restart()
    {
        long second = await HistoryAsync();
        var queue = await CreateAsync(SubscriptionStart.Earliest);
        Assert.Equal(10, QueueBroker.Receive(queue, A, max: 100).Count);
        Assert.Equal(10u, await QueueBroker.AckAsync(queue, (0, 10)));

        var (code, message, partitions) = await queue.ResetAsync(new SubscriptionStart(SubscriptionStartKind.Time, second));
        Assert.True(code == ErrorCode.None, message);
        Assert.Equal([new PartitionReset(5, 0)], partitions);

        await _broker.RestartAsync();

        Assert.Equal([5L, 6, 7, 8, 9], Offsets(QueueBroker.Receive(_broker.Subscription("orders", "q"), A, max: 100)));
    }

    [Fact]
    public async Task Reset_forward_skips_and_counts_what_was_not_settled()
    {
        await HistoryAsync();
        var queue = await CreateAsync(SubscriptionStart.Earliest);
        QueueBroker.Receive(queue, A, max: 3);
        Assert.Equal(1u, await QueueBroker.AckAsync(queue, (1, 1)));
        queue.Nack(new OffsetRange(0, 0, 1), A, 0);
        queue.Nack(new OffsetRange(0, 2, 1), A, 60_000);

        var (code, message, partitions) = await queue.ResetAsync(new SubscriptionStart(SubscriptionStartKind.Offset, 8));
        Assert.True(code == ErrorCode.None, message);
        // 0..7 less the acked 1.
        Assert.Equal([new PartitionReset(8, 7)], partitions);
        Assert.Equal(7, queue.Skipped);
        var stats = queue.Stats();
        Assert.Equal(2, stats.Visible);
        Assert.Equal(0, stats.Delayed);

        await _broker.RestartAsync();

        Assert.Equal([8L, 9], Offsets(QueueBroker.Receive(_broker.Subscription("orders", "q"), A, max: 100)));
    }

    [Fact]
    public async Task Reset_is_refused_while_a_message_is_in_flight_and_changes_nothing()
    {
        await HistoryAsync();
        var queue = await CreateAsync(SubscriptionStart.Earliest);
        QueueBroker.Receive(queue, A, max: 1);

        var (code, _, _) = await queue.ResetAsync(SubscriptionStart.Latest);
        Assert.Equal(ErrorCode.SubscriptionBusy, code);
        Assert.Equal(1u, await QueueBroker.AckAsync(queue, (0, 1)));
        Assert.Equal([1L, 2], Offsets(QueueBroker.Receive(queue, A, max: 2)));
    }

    [Fact]
    public async Task Reset_is_refused_while_a_push_consumer_is_attached()
    {
        await HistoryAsync();
        var queue = await CreateAsync(SubscriptionStart.Earliest);
        queue.PushAttached();
        Assert.Equal(ErrorCode.SubscriptionBusy, (await queue.ResetAsync(SubscriptionStart.Latest)).Code);
        queue.PushDetached();
        Assert.Equal(ErrorCode.None, (await queue.ResetAsync(SubscriptionStart.Latest)).Code);
        Assert.Empty(QueueBroker.Receive(queue, A, max: 10));
    }

    [Fact]
    public void Start_validation_rejects_bad_values()
    {
        Assert.Null(SubscriptionStart.Earliest.Validate());
        Assert.NotNull(new SubscriptionStart(SubscriptionStartKind.Latest, 1).Validate());
        Assert.NotNull(new SubscriptionStart(SubscriptionStartKind.Offset, -1).Validate());
        Assert.NotNull(new SubscriptionStart(SubscriptionStartKind.Time, -5).Validate());
        Assert.NotNull(new SubscriptionStart((SubscriptionStartKind)4, 0).Validate());
    }
}
