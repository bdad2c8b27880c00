using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests.Queues;

public sealed class SettleTests
{
    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Acks_made_while_an_Ack_frame_is_unanswered_leave_together_in_the_next_frame()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Publish(0, [.. Enumerable.Range(0, 101).Select(i => $"m{i}")]);
        var consumer = q.Connection.OpenQueue("jobs");
        var messages = await consumer.ReceiveAsync(200, TimeSpan.Zero);
        var firstAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int acks = 0;
        q.Broker.Intercept = r => r.Opcode == Opcode.Ack && Interlocked.Increment(ref acks) == 1 ? new FakeReply(Gate: firstAnswer.Task) : null;

        var first = messages[0].AckAsync().AsTask();
        await Eventually.True(() => q.Broker.Count(Opcode.Ack) == 1, "the first ack frame reached the broker");
        // Acked out of order and from many threads: they must still merge into one contiguous range.
        var rest = messages.Skip(1).Reverse().Select(m => Task.Run(() => m.AckAsync().AsTask())).ToArray();
        await Task.Delay(50);
        Assert.Equal(1, q.Broker.Count(Opcode.Ack));
        Assert.All(rest, t => Assert.False(t.IsCompleted, "an ack completed before its frame was answered"));
        firstAnswer.SetResult();
        await first;
        await Task.WhenAll(rest);

        Assert.Equal(2, q.Broker.Count(Opcode.Ack));
        Assert.Equal([new OffsetRange(0, 1, 100)], q.Last(Opcode.Ack).Ranges);
        Assert.Equal(0u, q.Last(Opcode.Ack).Argument);
        Assert.All(Enumerable.Range(0, 101), o => Assert.True(q.Store.Inspect(() => q.Store.Subscription("jobs", "jobs").IsAcked(0, o))));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_batch_ack_is_one_frame_with_one_section_per_partition()
    {
        await using var q = await QueueHarness.StartAsync(partitions: 2);
        q.Publish(0, "a", "b", "c");
        q.Publish(1, "d", "e");
        var consumer = q.Connection.OpenQueue("jobs");
        var messages = await consumer.ReceiveAsync(10, TimeSpan.Zero);

        await consumer.AckAsync([messages[4], messages[0], messages[2], messages[3]]);

        Assert.Equal(1, q.Broker.Count(Opcode.Ack));
        Assert.Equal([new OffsetRange(0, 0, 1), new OffsetRange(0, 2, 1), new OffsetRange(1, 0, 2)], q.Last(Opcode.Ack).Ranges);
        Assert.Equal(1, q.Store.Inspect(() => q.Store.Subscription("jobs", "jobs").Stats(DateTimeOffset.UtcNow).InFlight));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task An_ack_failure_reaches_every_ack_in_the_frame_and_later_acks_go_on()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Publish(0, "a", "b", "c");
        var consumer = q.Connection.OpenQueue("jobs");
        var messages = await consumer.ReceiveAsync(10, TimeSpan.Zero);
        q.Broker.Intercept = r => r.Opcode == Opcode.Ack && r.Ranges[0].First == 0 ? new FakeReply(Error: ErrorCode.StorageError) : null;

        var error = await Assert.ThrowsAsync<BrokerException>(() => consumer.AckAsync(messages.Take(2)).AsTask());
        await messages[2].AckAsync();

        Assert.Equal(ErrorCode.StorageError, error.Code);
        Assert.True(q.Store.Inspect(() => q.Store.Subscription("jobs", "jobs").IsAcked(0, 2)));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Nack_sends_its_delay_and_the_message_returns_after_it_with_its_delivery_count()
    {
        var time = new FakeTimeProvider();
        await using var q = await QueueHarness.StartAsync(time: time);
        q.Publish(0, "a");
        var consumer = q.Connection.OpenQueue("jobs");
        var message = Assert.Single(await consumer.ReceiveAsync(1, TimeSpan.Zero));

        await message.NackAsync(TimeSpan.FromMilliseconds(1500));
        var tooEarly = await consumer.ReceiveAsync(1, TimeSpan.Zero);
        time.Advance(TimeSpan.FromMilliseconds(1500));
        var again = await consumer.ReceiveAsync(1, TimeSpan.Zero);

        var nack = q.Last(Opcode.Nack);
        Assert.Equal(1500u, nack.Argument);
        Assert.Equal([new OffsetRange(0, 0, 1)], nack.Ranges);
        Assert.Empty(tooEarly);
        Assert.Equal(2, Assert.Single(again).DeliveryCount);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Extend_sends_the_new_visibility_and_keeps_the_message_hidden_past_its_old_deadline()
    {
        var time = new FakeTimeProvider();
        await using var q = await QueueHarness.StartAsync(time: time);
        q.Publish(0, "a", "b");
        var consumer = q.Connection.OpenQueue("jobs");
        var messages = await consumer.ReceiveAsync(2, TimeSpan.Zero, visibility: TimeSpan.FromSeconds(10));

        await consumer.ExtendAsync(messages, TimeSpan.FromMinutes(2));
        time.Advance(TimeSpan.FromMinutes(1));
        var hidden = await consumer.ReceiveAsync(2, TimeSpan.Zero);
        await messages[0].ExtendAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, q.Broker.Count(Opcode.Extend));
        Assert.Equal(120_000u, q.Broker.Requests.First(r => r.Opcode == Opcode.Extend).Argument);
        Assert.Equal([new OffsetRange(0, 0, 2)], q.Broker.Requests.First(r => r.Opcode == Opcode.Extend).Ranges);
        Assert.Equal(30_000u, q.Last(Opcode.Extend).Argument);
        Assert.Empty(hidden);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Settling_checks_its_arguments()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Publish(0, "a");
        var consumer = q.Connection.OpenQueue("jobs");
        var message = Assert.Single(await consumer.ReceiveAsync(1, TimeSpan.Zero));
        var stranger = q.Connection.OpenSubscription("jobs", "other");

        Assert.Throws<ArgumentOutOfRangeException>(() => message.NackAsync(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => message.NackAsync(TimeSpan.FromHours(13)));
        Assert.Throws<ArgumentOutOfRangeException>(() => message.ExtendAsync(TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => stranger.AckAsync([message]));
        await consumer.AckAsync(Array.Empty<QueueMessage>());
        Assert.Equal(0, q.Broker.Count(Opcode.Ack) + q.Broker.Count(Opcode.Nack) + q.Broker.Count(Opcode.Extend));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Disposing_a_consumer_waits_for_its_acks_and_then_refuses_use()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Publish(0, "a");
        var consumer = q.Connection.OpenQueue("jobs");
        var message = Assert.Single(await consumer.ReceiveAsync(1, TimeSpan.Zero));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        q.Broker.Intercept = r => r.Opcode == Opcode.Ack ? new FakeReply(Gate: gate.Task) : null;

        var ack = message.AckAsync().AsTask();
        var dispose = consumer.DisposeAsync().AsTask();
        await Task.Delay(50);
        Assert.False(dispose.IsCompleted, "disposed before its ack was answered");
        gate.SetResult();
        await ack;
        await dispose;

        Assert.Throws<ObjectDisposedException>(() => consumer.ReceiveAsync(1, TimeSpan.Zero));
        Assert.True(q.Connection.IsConnected);
    }
}
