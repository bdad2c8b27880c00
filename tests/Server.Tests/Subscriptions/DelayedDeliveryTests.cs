using System.Globalization;
using System.Text;
using FastBroker.Server.Subscriptions;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>Delayed delivery (<c>fb-deliver-at</c>, PROTOCOL.md section 6.7) on shared subscriptions, on a fake clock.</summary>
public sealed class DelayedDeliveryTests : IAsyncLifetime
{
    private const long A = 1;
    private QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private readonly record struct Msg(string Value, long DeliverAtMs = -1, long ExpiresAtMs = -1, string Type = "created", string? Key = null);

    private static byte[] Utf8(long value) => Encoding.UTF8.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    private Task<long> PublishAsync(params Msg[] messages)
    {
        using var builder = new RecordBatchBuilder();
        foreach (var m in messages)
        {
            var headers = new List<RecordHeader> { new("type", Encoding.UTF8.GetBytes(m.Type)) };
            if (m.DeliverAtMs >= 0) headers.Add(new RecordHeader(MessageDeliveryTime.HeaderName, Utf8(m.DeliverAtMs)));
            if (m.ExpiresAtMs >= 0) headers.Add(new RecordHeader(MessageExpiry.HeaderName, Utf8(m.ExpiresAtMs)));
            builder.Append(_broker.NowMs, hasKey: m.Key is not null, m.Key is null ? default : Encoding.UTF8.GetBytes(m.Key), headers.ToArray(),
                Encoding.UTF8.GetBytes(m.Value));
        }
        return _broker.PublishAsync("orders", 0, builder.Seal().Span);
    }

    private static List<string> Receive(SharedSubscription queue, int max = 100) => QueueBroker.Receive(queue, A, max).Select(m => m.Value).ToList();

    [Fact]
    public async Task A_delayed_message_is_not_delivered_before_its_time_and_counts_as_delayed_until_then()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        long at = _broker.NowMs + 10_000;
        await PublishAsync(new Msg("later", at), new Msg("now"), new Msg("past", _broker.NowMs - 1));

        Assert.Equal(["now", "past"], Receive(queue));
        var stats = queue.Stats();
        Assert.Equal((0L, 2L, 1L), (stats.Visible, stats.InFlight, stats.Delayed));

        _broker.Advance(TimeSpan.FromMilliseconds(9_999));
        Assert.Empty(Receive(queue));
        Assert.Equal(1, queue.Stats().Delayed);

        _broker.Advance(TimeSpan.FromMilliseconds(1));
        var delivered = Assert.Single(QueueBroker.Receive(queue, A, 100));
        Assert.Equal(("later", 0L, 1), (delivered.Value, delivered.Offset, delivered.Deliveries));
        stats = queue.Stats();
        Assert.Equal((0L, 3L, 0L), (stats.Visible, stats.InFlight, stats.Delayed));
    }

    [Fact]
    public async Task A_waiting_receiver_is_woken_when_the_earliest_delayed_message_becomes_due()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await PublishAsync(new Msg("later", _broker.NowMs + 1_500));
        Assert.Empty(Receive(queue));

        var wait = queue.WaitAsync(_broker.Time.GetUtcNow().AddHours(1), CancellationToken.None);
        _broker.Advance(TimeSpan.FromMilliseconds(1_499));
        Assert.False(wait.IsCompleted, "woken before the delivery time");
        _broker.Advance(TimeSpan.FromMilliseconds(1));
        await wait.WaitAsync(QueueBroker.Patience);
        Assert.Equal(["later"], Receive(queue));
    }

    [Fact]
    public async Task Beyond_the_in_memory_cap_every_delayed_message_is_still_delivered_at_its_time_in_due_order()
    {
        await _broker.DisposeAsync();
        _broker = new QueueBroker(limits: QueueLimits.Default with { MaxDelaysInMemory = 3 });
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings(ackMode: AckMode.None));
        long start = _broker.NowMs;
        // Offsets 0..9 due in reverse order, 10 s down to 1 s from now; an undelayed one after them.
        await PublishAsync(Enumerable.Range(0, 10).Select(i => new Msg($"d{10 - i}", start + (10 - i) * 1_000L)).ToArray());
        await PublishAsync(new Msg("now"));

        Assert.Equal(["now"], Receive(queue));
        Assert.Equal(10, queue.Stats().Delayed);

        var deliveredAt = new List<(string Value, long Second)>();
        for (int second = 1; second <= 11; second++)
        {
            _broker.Advance(TimeSpan.FromSeconds(1));
            // A few small receives per step, as consumers would poll.
            for (int poll = 0; poll < 5; poll++)
                foreach (string value in Receive(queue, max: 2)) deliveredAt.Add((value, second));
            Assert.Equal(Math.Max(0, 10 - second), queue.Stats().Delayed);
        }
        Assert.Equal(Enumerable.Range(1, 10).Select(s => ($"d{s}", (long)s)).ToList(), deliveredAt);
    }

    [Fact]
    public async Task After_a_restart_delays_are_recovered_from_the_records()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await PublishAsync(new Msg("later", _broker.NowMs + 60_000), new Msg("now"));
        var now = Assert.Single(QueueBroker.Receive(queue, A, 100));
        Assert.Equal(1u, await QueueBroker.AckAsync(queue, (now.Offset, 1)));
        Assert.Equal(1, queue.Stats().Delayed);

        await _broker.RestartAsync();
        queue = _broker.Subscription("orders", "orders");
        Assert.Empty(Receive(queue));
        var stats = queue.Stats();
        Assert.Equal((0L, 0L, 1L), (stats.Visible, stats.InFlight, stats.Delayed));

        _broker.Advance(TimeSpan.FromSeconds(60));
        var later = Assert.Single(QueueBroker.Receive(queue, A, 100));
        Assert.Equal(("later", 1), (later.Value, later.Deliveries));
    }

    [Fact]
    public async Task A_message_that_expires_before_its_delivery_time_expires_then_and_is_never_delivered()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        long now = _broker.NowMs;
        await PublishAsync(new Msg("never", DeliverAtMs: now + 10_000, ExpiresAtMs: now + 5_000), new Msg("kept", DeliverAtMs: now + 10_000, ExpiresAtMs: now + 20_000));
        Assert.Empty(Receive(queue));
        Assert.Equal((2L, 0L), (queue.Stats().Delayed, queue.Stats().Expired));

        _broker.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(Receive(queue));
        var stats = queue.Stats();
        Assert.Equal((1L, 1L), (stats.Delayed, stats.Expired));

        _broker.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["kept"], Receive(queue));
        Assert.Equal((0L, 1L), (queue.Stats().Delayed, queue.Stats().Expired));
    }

    [Fact]
    public async Task A_filter_settles_what_it_excludes_and_delays_what_it_matches()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings() with { Filter = "header(type) = \"created\"" });
        long at = _broker.NowMs + 3_000;
        await PublishAsync(new Msg("match-later", at), new Msg("other-later", at, Type: "deleted"), new Msg("match-now"));

        Assert.Equal(["match-now"], Receive(queue));
        var stats = queue.Stats();
        Assert.Equal((1L, 1L, 0L), (stats.Filtered, stats.Delayed, stats.Visible));

        _broker.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(["match-later"], Receive(queue));
        Assert.Equal((1L, 0L), (queue.Stats().Filtered, queue.Stats().Delayed));
    }

    [Fact]
    public async Task A_delivered_message_nacked_comes_back_at_once_however_late_its_delivery_time_was()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await PublishAsync(new Msg("later", _broker.NowMs + 2_000));
        Assert.Empty(Receive(queue));
        _broker.Advance(TimeSpan.FromSeconds(2));
        var first = Assert.Single(QueueBroker.Receive(queue, A, 10));
        Assert.Equal(1, queue.Nack(new OffsetRange(0, first.Offset, 1), A, 0));
        var again = Assert.Single(QueueBroker.Receive(queue, A, 10));
        Assert.Equal(("later", 2), (again.Value, again.Deliveries));
    }

    [Fact]
    public async Task On_a_key_ordered_queue_later_messages_of_the_key_wait_for_the_delayed_one()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings() with { KeyOrdered = true });
        await PublishAsync(new Msg("a-later", _broker.NowMs + 5_000, Key: "a"), new Msg("a-now", Key: "a"), new Msg("b-now", Key: "b"));

        Assert.Equal(["b-now"], Receive(queue));
        Assert.Equal(1, queue.Stats().Delayed);

        _broker.Advance(TimeSpan.FromSeconds(5));
        var later = Assert.Single(QueueBroker.Receive(queue, A, 100));
        Assert.Equal("a-later", later.Value);
        Assert.Empty(Receive(queue));
        Assert.Equal(1u, await QueueBroker.AckAsync(queue, (later.Offset, 1)));
        Assert.Equal(["a-now"], Receive(queue));
    }
}
