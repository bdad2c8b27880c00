using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;

namespace FastBroker.ClientLite.Tests.Queues;

public sealed class PushTests
{
    [Fact(Timeout = TestLimits.TestMs)]
    public async Task SubscribeAsync_canceled_before_its_answer_unsubscribes_before_it_throws()
    {
        await using var q = await QueueHarness.StartAsync();
        using var held = new HeldSubscriptionAnswers(q.Broker);
        var consumer = q.Connection.OpenQueue("jobs");
        using var stop = new CancellationTokenSource();

        try
        {
            var subscribing = consumer.SubscribeAsync(cancellationToken: stop.Token).AsTask();
            await Eventually.True(() => q.Broker.Count(Opcode.Subscribe) == 1, "the Subscribe reached the broker");
            await stop.CancelAsync();

            await Eventually.True(() => q.Broker.Count(Opcode.Unsubscribe) == 1, "the Unsubscribe reached the broker");
            Assert.False(subscribing.IsCompleted, "SubscribeAsync threw before its Unsubscribe was answered");
            held.ReleaseUnsubscribe();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subscribing);

            Assert.Equal(q.Last(Opcode.Subscribe).RequestId, q.Store.Pushes.Single().PushId);
            Assert.False(q.Store.Inspect(() => q.Store.Pushes.Single().Active), "the push subscription is still open");
        }
        finally
        {
            held.Dispose();
        }
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Push_never_has_more_unsettled_messages_out_than_the_prefetch()
    {
        await using var q = await QueueHarness.StartAsync(partitions: 2);
        for (int i = 0; i < 30; i++)
            q.Publish(i % 2, $"m{i}a", $"m{i}b");
        var consumer = q.Connection.OpenQueue("jobs");
        await using var push = await consumer.SubscribeAsync(new PushOptions { Prefetch = 8 });
        using var stop = new CancellationTokenSource();
        var held = new List<QueueMessage>();
        await using var reader = push.ReadAllAsync(stop.Token).GetAsyncEnumerator();

        // Hold the first eight: with nothing settled, nothing more may come.
        for (int i = 0; i < 8; i++)
        {
            Assert.True(await reader.MoveNextAsync());
            held.Add(reader.Current);
        }
        q.Broker.Pump();
        await Task.Delay(50);
        var fake = q.Store.Pushes.Single();
        Assert.Equal(8, q.Store.Inspect(() => fake.Delivered));

        // Settle in a mixed order, acks and nacks, while reading the rest.
        int received = 8, settled = 0;
        while (settled < 60)
        {
            var next = held[0];
            held.RemoveAt(0);
            if (next.DeliveryCount == 1 && next.Offset % 7 == 3)
                await next.NackAsync();
            else
            {
                await next.AckAsync();
                settled++;
            }
            if (settled == 60)
                break;
            // Read on only while some unacked message is not in hand (nacked ones come back), or the read would hang.
            if (60 - settled - held.Count > 0 && (held.Count == 0 || received % 3 != 0))
            {
                Assert.True(await reader.MoveNextAsync());
                held.Add(reader.Current);
            }
            received++;
        }

        Assert.True(q.Store.Inspect(() => fake.MaxOutstanding) <= 8, $"credit outstanding reached {fake.MaxOutstanding}");
        Assert.True(q.Store.Inspect(() => fake.MaxUnsettled) <= 8, $"unsettled reached {fake.MaxUnsettled}");
        Assert.Equal(60, q.Store.Inspect(() => q.Store.Subscription("jobs", "jobs").AckedTotal));
        Assert.True(q.Broker.Count(Opcode.Credit) > 1);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Credit_comes_back_in_chunks_of_a_quarter_of_the_prefetch()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Publish(0, "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        var consumer = q.Connection.OpenQueue("jobs");
        await using var push = await consumer.SubscribeAsync(new PushOptions { Prefetch = 8 });
        var messages = await Take(push, 8);

        await messages[0].AckAsync();
        int afterOne = q.Broker.Count(Opcode.Credit);
        await messages[1].NackAsync();
        await Eventually.True(() => q.Broker.Count(Opcode.Credit) == 1, "a credit frame was sent");
        await messages[1].AckAsync(); // settled already by the nack: no credit twice

        Assert.Equal(0, afterOne);
        var credit = q.Last(Opcode.Credit);
        Assert.Equal(2u, credit.Argument);
        Assert.Equal(q.Last(Opcode.Subscribe).RequestId, credit.PushId);
        Assert.Equal(10L, q.Store.Inspect(() => q.Store.Pushes.Single().Granted));
        var more = await Take(push, 2);
        // The nacked message comes back first, then the next new one: exactly the two credits granted.
        Assert.Equal(["b", "i"], more.Select(QueueHarness.Text));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_reader_that_runs_dry_grants_the_credit_owed_below_a_chunk()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Publish(0, "a", "b", "c", "d", "e", "f", "g", "h", "i");
        var consumer = q.Connection.OpenQueue("jobs");
        await using var push = await consumer.SubscribeAsync(new PushOptions { Prefetch = 8 });
        await using var reader = push.ReadAllAsync().GetAsyncEnumerator();
        var held = new List<QueueMessage>();
        for (int i = 0; i < 8; i++)
        {
            Assert.True(await reader.MoveNextAsync());
            held.Add(reader.Current);
        }

        await held[0].AckAsync();
        Assert.Equal(0, q.Broker.Count(Opcode.Credit));
        Assert.True(await reader.MoveNextAsync());

        Assert.Equal("i", QueueHarness.Text(reader.Current));
        Assert.Equal(1u, q.Last(Opcode.Credit).Argument);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Under_ack_mode_none_credit_comes_back_as_messages_are_read()
    {
        await using var q = await QueueHarness.StartAsync(options: new QueueOptions { AckMode = QueueAckMode.None });
        for (int i = 0; i < 10; i++)
            q.Publish(0, $"m{i}");
        var consumer = q.Connection.OpenQueue("jobs");
        await using var push = await consumer.SubscribeAsync(new PushOptions { Prefetch = 4 });

        var all = await Take(push, 10);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}"), all.Select(QueueHarness.Text));
        Assert.True(q.Store.Pushes.Single().MaxOutstanding <= 4);
        Assert.Equal(0, q.Broker.Count(Opcode.Ack));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task ReadAllAsync_ends_when_the_subscription_is_disposed_and_Unsubscribe_is_sent()
    {
        await using var q = await QueueHarness.StartAsync();
        var consumer = q.Connection.OpenQueue("jobs");
        var push = await consumer.SubscribeAsync();
        var got = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            int n = 0;
            await foreach (var _ in push.ReadAllAsync())
            {
                n++;
                got.TrySetResult();
            }
            return n;
        });
        q.Publish(0, "a");
        await got.Task;

        await push.DisposeAsync();

        Assert.Equal(1, await reading);
        var unsubscribe = q.Last(Opcode.Unsubscribe);
        Assert.Equal(q.Last(Opcode.Subscribe).RequestId, unsubscribe.PushId);
        Assert.False(q.Store.Inspect(() => q.Store.Pushes.Single().Active));
        await push.DisposeAsync();
        Assert.Equal(1, q.Broker.Count(Opcode.Unsubscribe));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Disposing_gives_back_messages_pushed_but_never_read()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Publish(0, "a", "b", "c");
        var consumer = q.Connection.OpenQueue("jobs");
        var push = await consumer.SubscribeAsync(new PushOptions { Prefetch = 10 });
        await using (var reader = push.ReadAllAsync().GetAsyncEnumerator())
        {
            Assert.True(await reader.MoveNextAsync());
            await Eventually.True(() => q.Store.Inspect(() => q.Store.Pushes.Single().Delivered) == 3, "all three were pushed");
        }

        await push.DisposeAsync();

        var nack = q.Last(Opcode.Nack);
        Assert.Equal([new Wire.Messages.Queues.OffsetRange(0, 1, 2)], nack.Ranges);
        var again = await consumer.ReceiveAsync(10, TimeSpan.Zero);
        Assert.Equal(["b", "c"], again.Select(QueueHarness.Text));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Disposing_the_consumer_ends_its_push_subscriptions_and_gives_back_what_was_not_read()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Publish(0, "a", "b");
        var consumer = q.Connection.OpenQueue("jobs");
        var push = await consumer.SubscribeAsync();
        await Eventually.True(() => q.Store.Inspect(() => q.Store.Pushes.Single().Delivered) == 2, "both were pushed");
        // Whether or not the Deliver frame has reached the client yet, it arrives before the Unsubscribe answer.

        await consumer.DisposeAsync();

        Assert.Equal(1, q.Broker.Count(Opcode.Unsubscribe));
        Assert.Equal([new Wire.Messages.Queues.OffsetRange(0, 0, 2)], q.Last(Opcode.Nack).Ranges);
        await using var other = await BrokerConnection.ConnectAsync(q.Broker.Endpoint);
        Assert.Equal(2, (await other.OpenQueue("jobs").ReceiveAsync(10, TimeSpan.Zero)).Count);
        await push.DisposeAsync();
        Assert.Equal(1, q.Broker.Count(Opcode.Unsubscribe));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task An_error_frame_on_the_push_id_ends_the_subscription_with_that_error()
    {
        await using var q = await QueueHarness.StartAsync();
        var consumer = q.Connection.OpenQueue("jobs");
        await using var push = await consumer.SubscribeAsync();
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in push.ReadAllAsync())
            {
            }
        });
        var subscribe = q.Last(Opcode.Subscribe);

        q.Broker.SendTo(subscribe.Connection, Frames.Error(subscribe.RequestId, ErrorCode.UnknownSubscription, "subscription deleted"));

        var error = await Assert.ThrowsAsync<BrokerException>(() => reading);
        Assert.Equal(ErrorCode.UnknownSubscription, error.Code);
        Assert.Equal("subscription deleted", error.Message);
        Assert.True(q.Connection.IsConnected);
        await push.DisposeAsync();
        Assert.Equal(0, q.Broker.Count(Opcode.Unsubscribe));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Connection_loss_ends_ReadAllAsync_with_BrokerConnectionException()
    {
        await using var q = await QueueHarness.StartAsync();
        var consumer = q.Connection.OpenQueue("jobs");
        await using var push = await consumer.SubscribeAsync();
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in push.ReadAllAsync())
            {
            }
        });

        q.Broker.DropConnections();

        await Assert.ThrowsAsync<BrokerConnectionException>(() => reading);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Subscribe_to_an_unknown_subscription_fails_and_leaves_nothing_behind()
    {
        await using var q = await QueueHarness.StartAsync();
        await q.Connection.CreateSubscriptionAsync("jobs", "audit");
        var consumer = q.Connection.OpenSubscription("jobs", "audit");
        q.Broker.Intercept = r => r.Opcode == Opcode.Subscribe ? new FakeReply(Error: ErrorCode.UnknownSubscription) : null;

        var error = await Assert.ThrowsAsync<BrokerException>(() => consumer.SubscribeAsync().AsTask());

        Assert.Equal(ErrorCode.UnknownSubscription, error.Code);
        Assert.Equal(0, q.Broker.Count(Opcode.Unsubscribe));
        q.Broker.Intercept = null;
        await using var push = await consumer.SubscribeAsync(new PushOptions { Visibility = TimeSpan.FromSeconds(7) });
        Assert.Equal(7000u, q.Last(Opcode.Subscribe).Argument);
        Assert.Equal(1000u, q.Store.Pushes.Single().Granted);
    }

    [Fact]
    public void Push_and_consume_options_check_their_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PushOptions { Prefetch = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PushOptions { Prefetch = (int)Protocol.MaxCredit + 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PushOptions { Visibility = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConsumeOptions { MaxDegreeOfParallelism = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConsumeOptions { Prefetch = -1 });
        Assert.Equal(1000, new PushOptions().Prefetch);
        Assert.Equal(1, new ConsumeOptions().MaxDegreeOfParallelism);
        Assert.Null(new ConsumeOptions { Visibility = null }.Visibility);
    }

    private static async Task<List<QueueMessage>> Take(PushSubscription push, int count)
    {
        var taken = new List<QueueMessage>();
        await foreach (var message in push.ReadAllAsync())
        {
            taken.Add(message);
            if (taken.Count == count)
                break;
        }
        return taken;
    }
}
