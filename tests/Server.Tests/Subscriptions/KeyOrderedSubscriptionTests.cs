using System.Globalization;
using System.Text;
using FastBroker.Server.Subscriptions;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>Key-ordered shared subscriptions over a real journal: keys are read from the stored records.</summary>
public sealed class KeyOrderedSubscriptionTests : IAsyncLifetime
{
    private const long A = 1;
    private const long B = 2;
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private static SubscriptionSettings Ordered(uint visibilityMs = 30_000, ushort maxDeliveries = 5, uint maxInFlight = 100_000)
        => QueueBroker.Settings(visibilityMs, maxDeliveries, maxInFlight) with { KeyOrdered = true };

    private static long[] Offsets(IEnumerable<DeliveredMessage> messages) => messages.Select(m => m.Offset).ToArray();

    // Values name their key: "a0" has key "a"; "-5" has none. An expiry, when given, is an fb-expires header.
    private Task<long> PublishAsync(params string[] values) => PublishAsync(-1, values);

    private Task<long> PublishAsync(long expiresAtMs, params string[] values)
    {
        using var builder = new RecordBatchBuilder();
        foreach (string value in values)
        {
            bool hasKey = value[0] != '-';
            RecordHeader[] headers = expiresAtMs < 0 ? [] :
                [new RecordHeader(MessageExpiry.HeaderName, Encoding.UTF8.GetBytes(expiresAtMs.ToString(CultureInfo.InvariantCulture)))];
            builder.Append(_broker.NowMs, hasKey, hasKey ? Encoding.UTF8.GetBytes(value[..1]) : default, headers, Encoding.UTF8.GetBytes(value));
        }
        return _broker.PublishAsync("orders", 0, builder.Seal().Span);
    }

    private Task<SharedSubscription> QueueAsync(SubscriptionSettings settings) => _broker.CreateQueueAsync("orders", "orders", settings);

    [Fact]
    public async Task Messages_of_one_key_are_never_two_in_flight_while_keys_go_in_parallel()
    {
        var queue = await QueueAsync(Ordered());
        await PublishAsync("a0", "b1", "a2", "b3", "a4", "c5", "-6", "-7");

        Assert.Equal([0L, 1L, 5L, 6L, 7L], Offsets(QueueBroker.Receive(queue, A, max: 100)));
        Assert.Empty(QueueBroker.Receive(queue, B, max: 100));
        Assert.Equal(1u, await QueueBroker.AckAsync(queue, (0, 1)));
        Assert.Equal([new DeliveredMessage(0, 2, 1, "a2")], QueueBroker.Receive(queue, B, max: 100));
        Assert.Equal(2u, await QueueBroker.AckAsync(queue, (1, 2)));
        Assert.Equal([3L, 4L], Offsets(QueueBroker.Receive(queue, A, max: 100)));
    }

    [Fact]
    public async Task A_nack_or_a_timeout_holds_the_rest_of_the_key_back_until_the_message_is_acked()
    {
        var queue = await QueueAsync(Ordered(visibilityMs: 1_000));
        await PublishAsync("a0", "b1", "a2");
        Assert.Equal([0L, 1L], Offsets(QueueBroker.Receive(queue, A, max: 100)));

        Assert.Equal(1, queue.Nack(new OffsetRange(0, 0, 1), A, 0));
        Assert.Equal([new DeliveredMessage(0, 0, 2, "a0")], QueueBroker.Receive(queue, B, max: 100));

        _broker.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([new DeliveredMessage(0, 0, 3, "a0"), new DeliveredMessage(0, 1, 2, "b1")], QueueBroker.Receive(queue, A, max: 100));
        Assert.Equal(1u, await QueueBroker.AckAsync(queue, (0, 1)));
        Assert.Equal([new DeliveredMessage(0, 2, 1, "a2")], QueueBroker.Receive(queue, B, max: 100));
    }

    [Fact]
    public async Task A_dead_lettered_message_passes_its_key_on()
    {
        var queue = await QueueAsync(Ordered(maxDeliveries: 1));
        await PublishAsync("a0", "a1");
        Assert.Equal([0L], Offsets(QueueBroker.Receive(queue, A, max: 100)));
        queue.Nack(new OffsetRange(0, 0, 1), A, 0);
        await QueueBroker.EventuallyAsync(() => queue.Stats().DeadLettered == 1, "the dead-letter move");
        Assert.Equal([new DeliveredMessage(0, 1, 1, "a1")], QueueBroker.Receive(queue, A, max: 100));
    }

    [Fact]
    public async Task An_expired_message_is_settled_as_before_and_passes_its_key_on()
    {
        var queue = await QueueAsync(Ordered());
        await PublishAsync(_broker.NowMs + 1_000, "a0");
        await PublishAsync("a1", "b2");
        _broker.Advance(TimeSpan.FromSeconds(2));
        // 0 is taken with 2, found expired and acked, which lets 1 go next.
        Assert.Equal([2L], Offsets(QueueBroker.Receive(queue, A, max: 100)));
        Assert.Equal([1L], Offsets(QueueBroker.Receive(queue, A, max: 100)));
        Assert.Equal(1, queue.Stats().Expired);
    }

    [Fact]
    public async Task After_a_restart_nothing_of_a_key_goes_while_an_earlier_one_is_unsettled()
    {
        var queue = await QueueAsync(Ordered());
        await PublishAsync("a0", "b1", "a2", "b3", "a4", "c5");
        Assert.Equal([0L, 1L, 5L], Offsets(QueueBroker.Receive(queue, A, max: 100)));
        Assert.Equal(1u, await QueueBroker.AckAsync(queue, (1, 1)));
        Assert.Equal([3L], Offsets(QueueBroker.Receive(queue, A, max: 100)));

        await _broker.RestartAsync();

        var reopened = _broker.Subscription("orders", "orders");
        Assert.True(reopened.Settings.KeyOrdered);
        Assert.Equal([0L, 3L, 5L], Offsets(QueueBroker.Receive(reopened, B, max: 100)));
        Assert.Equal(2u, await QueueBroker.AckAsync(reopened, (0, 1), (3, 1)));
        Assert.Equal([2L], Offsets(QueueBroker.Receive(reopened, B, max: 100)));
    }

    [Fact]
    public async Task Stats_report_the_option_and_count_held_messages_as_visible()
    {
        var queue = await QueueAsync(Ordered());
        await PublishAsync("a0", "a1", "a2", "b3");
        QueueBroker.Receive(queue, A, max: 100);
        var stats = queue.Stats();
        Assert.True(stats.Settings.KeyOrdered);
        Assert.Equal(SubscriptionSettings.OptionKeyOrdered, stats.Settings.Options);
        Assert.Equal(2, stats.InFlight);
        Assert.Equal(2, stats.Visible);
    }

    [Fact]
    public async Task A_reset_starts_key_order_afresh()
    {
        var queue = await QueueAsync(Ordered());
        await PublishAsync("a0", "a1", "b2");
        Assert.Equal([0L, 2L], Offsets(QueueBroker.Receive(queue, A, max: 100)));
        Assert.Equal(2u, await QueueBroker.AckAsync(queue, (0, 3)));
        Assert.Equal([1L], Offsets(QueueBroker.Receive(queue, A, max: 100)));
        Assert.Equal(1u, await QueueBroker.AckAsync(queue, (1, 1)));

        var (code, message, _) = await queue.ResetAsync(SubscriptionStart.Earliest);
        Assert.True(code == FastBroker.Wire.ErrorCode.None, message);

        Assert.Equal([0L, 2L], Offsets(QueueBroker.Receive(queue, B, max: 100)));
    }

    [Fact]
    public async Task Many_keys_under_random_acks_nacks_and_timeouts_are_each_processed_in_order()
    {
        const int Keys = 7, PerKey = 40;
        var queue = await QueueAsync(Ordered(visibilityMs: 1_000, maxDeliveries: 100, maxInFlight: 50));
        var random = new Random(1234);
        var values = new List<string>();
        for (int i = 0; i < Keys * PerKey; i++) values.Add($"{(char)('a' + random.Next(Keys))}{i}");
        for (int i = 0; i < values.Count; i += 25) await PublishAsync(values.Skip(i).Take(25).ToArray());

        var outstanding = new Dictionary<long, (long Holder, char Key)>();
        var processed = new Dictionary<char, List<long>>();
        int acked = 0;
        for (int round = 0; round < 2_000 && acked < values.Count; round++)
        {
            long holder = 1 + random.Next(3);
            foreach (var m in QueueBroker.Receive(_broker.Subscription("orders", "orders"), holder, max: 1 + random.Next(10)))
            {
                char key = m.Value[0];
                Assert.DoesNotContain(outstanding.Values, o => o.Key == key);
                outstanding[m.Offset] = (holder, key);
            }
            foreach (long offset in outstanding.Keys.ToArray())
            {
                var (holder2, key) = outstanding[offset];
                int roll = random.Next(10);
                if (roll < 5)
                {
                    Assert.Equal(1u, await QueueBroker.AckAsync(queue, (offset, 1)));
                    (processed.TryGetValue(key, out var seen) ? seen : processed[key] = []).Add(offset);
                    outstanding.Remove(offset);
                    acked++;
                }
                else if (roll < 7)
                {
                    Assert.Equal(1, queue.Nack(new OffsetRange(0, offset, 1), holder2, 0));
                    outstanding.Remove(offset);
                }
            }
            // Now and then everything still out times out.
            if (round % 17 == 16)
            {
                _broker.Advance(TimeSpan.FromSeconds(1));
                outstanding.Clear();
            }
        }

        Assert.Equal(values.Count, acked);
        foreach (var (key, offsets) in processed)
        {
            var expected = values.Select((v, i) => (v, i)).Where(x => x.v[0] == key).Select(x => (long)x.i).ToList();
            Assert.Equal(expected, offsets);
        }
    }
}
