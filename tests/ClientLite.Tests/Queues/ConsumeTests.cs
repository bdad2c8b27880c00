using System.Collections.Concurrent;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;

namespace FastBroker.ClientLite.Tests.Queues;

public sealed class ConsumeTests
{
    [Fact(Timeout = TestLimits.TestMs)]
    public async Task ConsumeAsync_runs_no_more_handlers_at_once_than_MaxDegreeOfParallelism()
    {
        await using var q = await QueueHarness.StartAsync(partitions: 2);
        for (int i = 0; i < 20; i++)
            q.Publish(i % 2, $"m{i}");
        var consumer = q.Connection.OpenQueue("jobs");
        using var stop = new CancellationTokenSource();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int running = 0, peak = 0, handled = 0;

        var consuming = consumer.ConsumeAsync(async (message, token) =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await release.Task.WaitAsync(token);
            Interlocked.Decrement(ref running);
            if (Interlocked.Increment(ref handled) == 20)
                await stop.CancelAsync();
        }, new ConsumeOptions { MaxDegreeOfParallelism = 3, Prefetch = 10 }, stop.Token);

        await Eventually.True(() => Volatile.Read(ref running) == 3, "three handlers are running");
        await Task.Delay(50);
        Assert.Equal(3, Volatile.Read(ref peak));
        release.SetResult();
        await consuming;

        Assert.Equal(3, peak);
        Assert.Equal(20, handled);
        Assert.Equal(20, q.Store.Inspect(() => q.Store.Subscription("jobs", "jobs").AckedTotal));
        Assert.True(q.Broker.Count(Opcode.Ack) < 20, "acks were not batched");
        Assert.Equal(1, q.Broker.Count(Opcode.Unsubscribe));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_handler_that_throws_gets_its_message_nacked_and_redelivered()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Publish(0, "ok-1", "bad", "ok-2");
        var consumer = q.Connection.OpenQueue("jobs");
        using var stop = new CancellationTokenSource();
        var seen = new ConcurrentQueue<(string Value, int DeliveryCount)>();

        await consumer.ConsumeAsync(async (message, _) =>
        {
            string value = QueueHarness.Text(message);
            seen.Enqueue((value, message.DeliveryCount));
            if (value == "bad" && message.DeliveryCount == 1)
                throw new InvalidOperationException("first attempt fails");
            if (seen.Count == 4)
                await stop.CancelAsync();
        }, cancellationToken: stop.Token);

        Assert.Equal([("ok-1", 1), ("bad", 1), ("ok-2", 1), ("bad", 2)], seen);
        var nack = q.Last(Opcode.Nack);
        Assert.Equal(0u, nack.Argument);
        Assert.Equal([new Wire.Messages.Queues.OffsetRange(0, 1, 1)], nack.Ranges);
        Assert.Equal(3, q.Store.Inspect(() => q.Store.Subscription("jobs", "jobs").AckedTotal));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_handler_worker_does_not_wait_for_each_ack_to_be_answered_before_the_next_message()
    {
        await using var q = await QueueHarness.StartAsync();
        for (int i = 0; i < 30; i++)
            q.Publish(0, $"m{i}");
        var acksAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        q.Broker.Intercept = request => request.Opcode == Opcode.Ack ? new FakeReply(Gate: acksAnswered.Task) : null;
        var consumer = q.Connection.OpenQueue("jobs");
        using var stop = new CancellationTokenSource();
        int handled = 0;

        var consuming = consumer.ConsumeAsync((_, _) =>
        {
            Interlocked.Increment(ref handled);
            return ValueTask.CompletedTask;
        }, new ConsumeOptions { Prefetch = 30 }, stop.Token);

        // Not one ack has been answered, yet every prefetched message was handled: acks gather behind the first.
        await Eventually.True(() => Volatile.Read(ref handled) == 30, "all 30 handled while acks are unanswered");
        acksAnswered.SetResult();
        await Eventually.True(() => q.Store.Inspect(() => q.Store.Subscription("jobs", "jobs").AckedTotal) == 30, "all acked");
        await stop.CancelAsync();
        await consuming;
        Assert.True(q.Broker.Count(Opcode.Ack) <= 3, $"{q.Broker.Count(Opcode.Ack)} ack frames for 30 messages");
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task ConsumeAsync_returns_quietly_when_canceled_before_anything_arrives()
    {
        await using var q = await QueueHarness.StartAsync();
        var consumer = q.Connection.OpenQueue("jobs");
        using var stop = new CancellationTokenSource();

        var consuming = consumer.ConsumeAsync((_, _) => ValueTask.CompletedTask, cancellationToken: stop.Token);
        await Eventually.True(() => q.Broker.Count(Opcode.Subscribe) == 1, "the subscription started");
        await stop.CancelAsync();

        await consuming;
        Assert.Equal(1, q.Broker.Count(Opcode.Unsubscribe));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task ConsumeAsync_canceled_while_the_Subscribe_answer_is_held_returns_only_after_its_Unsubscribe_is_answered()
    {
        await using var q = await QueueHarness.StartAsync();
        // The broker starts the subscription at once but answers neither request until the test lets it.
        using var held = new HeldSubscriptionAnswers(q.Broker);
        var consumer = q.Connection.OpenQueue("jobs");
        using var stop = new CancellationTokenSource();

        try
        {
            var consuming = consumer.ConsumeAsync((_, _) => ValueTask.CompletedTask, cancellationToken: stop.Token);
            await Eventually.True(() => q.Broker.Count(Opcode.Subscribe) == 1, "the Subscribe reached the broker");
            await stop.CancelAsync();

            await Eventually.True(() => q.Broker.Count(Opcode.Unsubscribe) == 1, "the Unsubscribe reached the broker");
            Assert.False(consuming.IsCompleted, "ConsumeAsync returned before its Unsubscribe was answered");
            held.ReleaseUnsubscribe();
            await consuming;

            Assert.Equal(1, q.Broker.Count(Opcode.Unsubscribe));
            Assert.All(q.Store.Pushes, push => Assert.False(q.Store.Inspect(() => push.Active), "a push subscription is still open"));
        }
        finally
        {
            held.Dispose();
        }
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task ConsumeAsync_fails_when_the_subscription_is_ended_by_the_broker()
    {
        await using var q = await QueueHarness.StartAsync();
        var consumer = q.Connection.OpenQueue("jobs");

        var consuming = consumer.ConsumeAsync((_, _) => ValueTask.CompletedTask, new ConsumeOptions { MaxDegreeOfParallelism = 2 });
        await Eventually.True(() => q.Broker.Count(Opcode.Subscribe) == 1, "the subscription started");
        var subscribe = q.Last(Opcode.Subscribe);
        q.Broker.SendTo(subscribe.Connection, Frames.Error(subscribe.RequestId, ErrorCode.ShuttingDown, "going away"));

        var error = await Assert.ThrowsAsync<BrokerException>(() => consuming);
        Assert.Equal(ErrorCode.ShuttingDown, error.Code);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Under_ack_mode_none_ConsumeAsync_sends_no_acks_or_nacks()
    {
        await using var q = await QueueHarness.StartAsync(options: new QueueOptions { AckMode = QueueAckMode.None });
        q.Publish(0, "a", "b", "c");
        var consumer = q.Connection.OpenQueue("jobs");
        using var stop = new CancellationTokenSource();
        int handled = 0;

        await consumer.ConsumeAsync(async (_, _) =>
        {
            if (Interlocked.Increment(ref handled) == 3)
                await stop.CancelAsync();
            throw new InvalidOperationException("lost under at-most-once");
        }, cancellationToken: stop.Token);

        Assert.Equal(3, handled);
        Assert.Equal(0, q.Broker.Count(Opcode.Ack) + q.Broker.Count(Opcode.Nack));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (current < value)
        {
            int seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
                return;
            current = seen;
        }
    }
}
