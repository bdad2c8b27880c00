using FastBroker.Server.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>The subscription registry follows the topics: a set for every topic served, none for one deleted.</summary>
public sealed class SubscriptionRegistryTests : IAsyncLifetime
{
    private const long A = 1;
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_topic_created_while_the_broker_runs_gets_a_working_subscription_set()
    {
        var topic = await _broker.CreateTopicAsync("late", partitions: 2);
        var set = _broker.Set(topic);
        Assert.Same(topic, set.Topic);
        Assert.Equal(0, set.Count);

        Assert.Equal(ErrorCode.None, (await set.CreateAsync("jobs", QueueBroker.Settings())).Code);
        var queue = _broker.Subscription("late", "jobs");
        await _broker.PublishAsync("late", 1, "work");
        var delivered = Assert.Single(QueueBroker.Receive(queue, A, max: 10));
        Assert.Equal(new DeliveredMessage(1, 0, 1, "work"), delivered);
        var acked = new SettleWaiter();
        queue.CompleteWhenDurable(acked, 1, Opcode.Ack, queue.Ack(new OffsetRange(1, 0, 1)));
        Assert.Equal(1u, await acked.Done.WaitAsync(QueueBroker.Patience));

        await _broker.RestartAsync();
        Assert.Empty(QueueBroker.Receive(_broker.Subscription("late", "jobs"), A, max: 10));
    }

    [Fact]
    public async Task A_subscription_set_that_has_closed_creates_nothing_more()
    {
        var topic = await _broker.CreateTopicAsync("late", partitions: 1);
        var set = _broker.Set(topic);

        // As a topic delete does, but with the topic not yet marked deleted: the set's own mark must refuse the create.
        await set.DisposeAsync();
        var (code, _) = await set.CreateAsync("jobs", QueueBroker.Settings());

        Assert.Equal(ErrorCode.UnknownTopic, code);
        Assert.Equal(0, set.Count);
        Assert.False(Directory.Exists(Path.Combine(topic.Directory, "subscriptions", "jobs")));
    }

    [Fact]
    public async Task Deleting_a_topic_closes_its_subscriptions_and_the_name_created_again_starts_with_none()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await _broker.PublishAsync("orders", 0, "old");
        Assert.True(_broker.Registry.TryGet("orders", out var old));

        Assert.Equal(ErrorCode.None, (await _broker.Registry.DeleteAsync("orders")).Code);

        Assert.True(queue.IsClosed);
        Assert.False(_broker.Subscriptions.TryGet(old, out _));
        var again = await _broker.CreateTopicAsync("orders");
        var set = _broker.Set(again);
        Assert.Equal(0, set.Count);
        Assert.False(set.TryGet("orders"u8, out _));

        // Its files went with the old topic: a restart brings nothing of it back either.
        await _broker.RestartAsync();
        Assert.Equal(0, _broker.Set("orders").Count);
    }

    [Fact]
    public async Task Dead_lettering_creates_the_dead_letter_topic_and_that_topic_gets_its_own_set()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings(maxDeliveries: 1));
        await _broker.PublishAsync("orders", 0, "poison");
        Assert.Single(QueueBroker.Receive(queue, A, max: 1));
        Assert.False(_broker.Registry.TryGet("orders.dlq", out _));

        Assert.Equal(1, queue.Nack(new OffsetRange(0, 0, 1), A, delayMs: 0));

        await QueueBroker.EventuallyAsync(() => queue.Stats().DeadLettered == 1, "the dead-letter move");
        Assert.Equal(["poison"], _broker.ReadAll("orders.dlq").Select(r => r.Value));
        var dlq = _broker.Set("orders.dlq");
        Assert.Equal(ErrorCode.None, (await dlq.CreateAsync("inspect", QueueBroker.Settings())).Code);
    }
}
