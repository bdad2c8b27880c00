using System.Buffers.Binary;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests.Queues;

public sealed class ReceiveTests
{
    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Receive_decodes_only_the_delivered_offsets_with_their_delivery_counts()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Publish(0, "a", "b", "c", "d", "e");
        var consumer = q.Connection.OpenQueue("jobs");

        var first = await consumer.ReceiveAsync(2, TimeSpan.Zero);
        await first[1].NackAsync();
        var second = await consumer.ReceiveAsync(10, TimeSpan.Zero);

        // Both answers carry the whole five-record batch; only the delivered offsets may come out.
        Assert.Equal([(0L, "a", 1), (1L, "b", 1)], first.Select(m => (m.Offset, QueueHarness.Text(m), m.DeliveryCount)));
        Assert.Equal([(1L, "b", 2), (2L, "c", 1), (3L, "d", 1), (4L, "e", 1)], second.Select(m => (m.Offset, QueueHarness.Text(m), m.DeliveryCount)));
        Assert.All(second, m => Assert.Equal("jobs", m.Topic));
        Assert.Empty(await consumer.ReceiveAsync(10, TimeSpan.Zero));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Receive_orders_messages_by_partition_then_offset_whatever_order_the_sections_come_in()
    {
        await using var q = await QueueHarness.StartAsync();
        var batch0 = TestRecord.Batch(new TestRecord("p0-10", Key: "k"), new TestRecord("p0-11"), new TestRecord("p0-12"));
        var batch1 = TestRecord.Batch(new TestRecord("p1-5", TimestampMs: 1_700_000_000_123, Headers: [("trace", "t-1")]), new TestRecord("p1-6"));
        RecordBatch.SetBaseOffset(batch0, 10);
        RecordBatch.SetBaseOffset(batch1, 5);
        q.Broker.Intercept = r => r.Opcode == Opcode.Receive
            ? new FakeReply(Respond: id => Frames.Encode(w => FrameWriter.WriteDelivery(w, Opcode.Receive, FrameFlags.Response, id,
                [
                    (1, [new DeliveryRange(5, 2, 3)], batch1),
                    (0, [new DeliveryRange(12, 1, 2), new DeliveryRange(10, 1, 1)], batch0),
                ])))
            : null;
        var consumer = q.Connection.OpenQueue("jobs");

        var messages = await consumer.ReceiveAsync(10, TimeSpan.Zero);

        Assert.Equal([(0, 10L, 1), (0, 12L, 2), (1, 5L, 3), (1, 6L, 3)], messages.Select(m => (m.Partition, m.Offset, m.DeliveryCount)));
        Assert.Equal("k", QueueHarness.Text(messages[0].Key));
        Assert.True(messages[0].HasKey);
        Assert.False(messages[1].HasKey);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), messages[2].Timestamp);
        Assert.True(messages[2].TryGetHeader("trace", out var trace));
        Assert.Equal("t-1", QueueHarness.Text(trace));
        Assert.False(messages[2].TryGetHeader("other", out _));
        Assert.Equal(1, messages[2].HeaderCount);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Receive_with_many_ranges_over_batches_in_any_order_decodes_exactly_the_ranges_offsets()
    {
        await using var q = await QueueHarness.StartAsync();
        // Two stored batches, sent later one first: records 100..139 and 140..159.
        var low = TestRecord.Batch(Enumerable.Range(100, 40).Select(o => new TestRecord($"v{o}")).ToArray());
        var high = TestRecord.Batch(Enumerable.Range(140, 20).Select(o => new TestRecord($"v{o}")).ToArray());
        RecordBatch.SetBaseOffset(low, 100);
        RecordBatch.SetBaseOffset(high, 140);
        // Single offsets with gaps of one and two, ranges side by side, a longer range, and the last record.
        DeliveryRange[] ranges =
        [
            new(101, 1, 1), new(103, 1, 2), new(106, 1, 1), new(107, 3, 4), new(110, 1, 1), new(120, 5, 2),
            new(139, 1, 1), new(141, 1, 3), new(142, 1, 1), new(150, 1, 2), new(159, 1, 5),
        ];
        q.Broker.Intercept = r => r.Opcode == Opcode.Receive
            ? new FakeReply(Respond: id => Frames.Encode(w => FrameWriter.WriteDelivery(w, Opcode.Receive, FrameFlags.Response, id,
                [(0, ranges, high.Concat(low).ToArray())])))
            : null;
        var consumer = q.Connection.OpenQueue("jobs");

        var messages = await consumer.ReceiveAsync(100, TimeSpan.Zero);

        var expected = ranges.SelectMany(r => Enumerable.Range((int)r.First, r.Count).Select(o => ((long)o, $"v{o}", (int)r.DeliveryCount)));
        Assert.Equal(expected, messages.Select(m => (m.Offset, QueueHarness.Text(m), m.DeliveryCount)));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Receive_of_a_batch_failing_its_CRC_throws_CorruptBatch_and_keeps_the_connection()
    {
        await using var q = await QueueHarness.StartAsync();
        var batch = TestRecord.Batch(new TestRecord("x"));
        batch[^1] ^= 0xFF;
        q.Broker.Intercept = r => r.Opcode == Opcode.Receive
            ? new FakeReply(Respond: id => Frames.Encode(w => FrameWriter.WriteDelivery(w, Opcode.Receive, FrameFlags.Response, id,
                [(0, [new DeliveryRange(0, 1, 1)], batch)])))
            : null;
        var consumer = q.Connection.OpenQueue("jobs");

        var error = await Assert.ThrowsAsync<BrokerException>(() => consumer.ReceiveAsync(1, TimeSpan.Zero).AsTask());

        Assert.Equal(ErrorCode.CorruptBatch, error.Code);
        Assert.Contains("CRC", error.Message);
        Assert.True(q.Connection.IsConnected);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Receive_whose_batches_lack_a_delivered_offset_throws_CorruptBatch()
    {
        await using var q = await QueueHarness.StartAsync();
        var batch = TestRecord.Batch(new TestRecord("x"));
        q.Broker.Intercept = r => r.Opcode == Opcode.Receive
            ? new FakeReply(Respond: id => Frames.Encode(w => FrameWriter.WriteDelivery(w, Opcode.Receive, FrameFlags.Response, id,
                [(0, [new DeliveryRange(0, 2, 1)], batch)])))
            : null;
        var consumer = q.Connection.OpenQueue("jobs");

        var error = await Assert.ThrowsAsync<BrokerException>(() => consumer.ReceiveAsync(2, TimeSpan.Zero).AsTask());

        Assert.Equal(ErrorCode.CorruptBatch, error.Code);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_malformed_Receive_response_closes_the_connection()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Broker.Intercept = r => r.Opcode == Opcode.Receive
            ? new FakeReply(Respond: id => Frames.Encode(w =>
            {
                var span = w.GetSpan(FrameHeader.Size + 4);
                new FrameHeader(4, Opcode.Receive, FrameFlags.Response, id).Write(span);
                BinaryPrimitives.WriteUInt32LittleEndian(span[FrameHeader.Size..], 3); // three sections, none there
                w.Advance(FrameHeader.Size + 4);
            }))
            : null;
        var consumer = q.Connection.OpenQueue("jobs");

        await Assert.ThrowsAsync<BrokerConnectionException>(() => consumer.ReceiveAsync(1, TimeSpan.Zero).AsTask());

        Assert.False(q.Connection.IsConnected);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Receive_long_polls_until_a_message_is_published()
    {
        await using var q = await QueueHarness.StartAsync();
        var consumer = q.Connection.OpenQueue("jobs");

        var receive = consumer.ReceiveAsync(10, TimeSpan.FromSeconds(20)).AsTask();
        await Eventually.True(() => q.Broker.Count(Opcode.Receive) == 1, "the receive reached the broker");
        Assert.False(receive.IsCompleted);
        await q.Connection.PublishAsync("jobs", 0, TestBatches.Of("late"));

        var messages = await receive;
        Assert.Equal("late", QueueHarness.Text(Assert.Single(messages)));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Receive_returns_nothing_once_the_wait_passes_on_the_broker_clock()
    {
        var time = new FakeTimeProvider();
        await using var q = await QueueHarness.StartAsync(time: time);
        var consumer = q.Connection.OpenQueue("jobs");

        var receive = consumer.ReceiveAsync(10, TimeSpan.FromSeconds(5)).AsTask();
        await Eventually.True(() => q.Broker.Count(Opcode.Receive) == 1, "the receive reached the broker");
        time.Advance(TimeSpan.FromSeconds(4));
        await Task.Delay(20);
        Assert.False(receive.IsCompleted, "returned before its wait");
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Empty(await receive);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Receive_sends_its_visibility_and_the_message_comes_back_after_it()
    {
        var time = new FakeTimeProvider();
        await using var q = await QueueHarness.StartAsync(time: time);
        q.Publish(0, "a");
        var consumer = q.Connection.OpenQueue("jobs");

        var first = await consumer.ReceiveAsync(1, TimeSpan.Zero, visibility: TimeSpan.FromSeconds(3));
        uint sent = q.Last(Opcode.Receive).Argument;
        Assert.Empty(await consumer.ReceiveAsync(1, TimeSpan.Zero));
        time.Advance(TimeSpan.FromSeconds(3));
        var again = await consumer.ReceiveAsync(1, TimeSpan.Zero);

        Assert.Equal(3000u, sent);
        Assert.Equal(1, Assert.Single(first).DeliveryCount);
        Assert.Equal(2, Assert.Single(again).DeliveryCount);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Receive_checks_its_arguments_before_sending()
    {
        await using var q = await QueueHarness.StartAsync();
        var consumer = q.Connection.OpenQueue("jobs");

        Assert.Throws<ArgumentOutOfRangeException>(() => consumer.ReceiveAsync(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => consumer.ReceiveAsync(10_001));
        Assert.Throws<ArgumentOutOfRangeException>(() => consumer.ReceiveAsync(1, TimeSpan.FromSeconds(21)));
        Assert.Throws<ArgumentOutOfRangeException>(() => consumer.ReceiveAsync(1, TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => consumer.ReceiveAsync(1, TimeSpan.Zero, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => consumer.ReceiveAsync(1, TimeSpan.Zero, TimeSpan.FromHours(13)));
        Assert.Equal(0, q.Broker.Count(Opcode.Receive));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Receive_from_an_unknown_subscription_fails_with_UnknownSubscription()
    {
        await using var q = await QueueHarness.StartAsync();
        var consumer = q.Connection.OpenSubscription("jobs", "nobody");

        var error = await Assert.ThrowsAsync<BrokerException>(() => consumer.ReceiveAsync(1, TimeSpan.Zero).AsTask());

        Assert.Equal(ErrorCode.UnknownSubscription, error.Code);
        Assert.Equal("nobody", consumer.Subscription);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Connection_loss_fails_receives_and_acks_with_BrokerConnectionException_and_releases_the_messages()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Publish(0, "a");
        var consumer = q.Connection.OpenQueue("jobs");
        var held = await consumer.ReceiveAsync(1, TimeSpan.Zero);
        var waiting = consumer.ReceiveAsync(1, TimeSpan.FromSeconds(20)).AsTask();
        await Eventually.True(() => q.Broker.Count(Opcode.Receive) == 2, "the second receive reached the broker");
        q.Broker.Intercept = r => r.Opcode == Opcode.Ack ? new FakeReply(Drop: true) : null;

        var ack = held[0].AckAsync().AsTask();

        await Assert.ThrowsAsync<BrokerConnectionException>(() => ack);
        await Assert.ThrowsAsync<BrokerConnectionException>(() => waiting);
        await Assert.ThrowsAsync<BrokerConnectionException>(() => consumer.ReceiveAsync(1, TimeSpan.Zero).AsTask());
        await using var other = await BrokerConnection.ConnectAsync(q.Broker.Endpoint);
        var back = await other.OpenQueue("jobs").ReceiveAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal((0L, 2), (Assert.Single(back).Offset, back[0].DeliveryCount));
    }
}
