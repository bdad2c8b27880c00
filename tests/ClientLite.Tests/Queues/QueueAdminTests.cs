using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.ClientLite.Tests.Queues;

public sealed class QueueAdminTests
{
    [Fact(Timeout = TestLimits.TestMs)]
    public async Task CreateQueue_creates_the_topic_and_its_subscription_and_keeps_an_existing_topic()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("existing", 2);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        await connection.CreateQueueAsync("orders", partitions: 3);
        await connection.CreateQueueAsync("existing");
        var exists = await Assert.ThrowsAsync<BrokerException>(() => connection.CreateQueueAsync("orders").AsTask());

        Assert.Equal(3, (await connection.GetTopicMetadataAsync("orders")).PartitionCount);
        Assert.Equal(2, (await connection.GetTopicMetadataAsync("existing")).PartitionCount);
        Assert.Equal(ErrorCode.SubscriptionExists, exists.Code);
        var settings = broker.Store.Subscription("orders", "orders").Settings;
        Assert.Equal(SubscriptionSettings.Default with { DeadLetterTopic = "orders.dlq" }, settings);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task CreateSubscription_sends_every_option()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("events", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        var options = new QueueOptions
        {
            VisibilityTimeout = TimeSpan.FromSeconds(90),
            MaxDeliveries = 12,
            DeadLetterTopic = "events.failed",
            MaxInFlight = 500,
            AckMode = QueueAckMode.None,
        };

        await connection.CreateSubscriptionAsync("events", "billing", options);

        Assert.Equal(new SubscriptionSettings(90_000, 12, "events.failed", 500, AckMode.None), broker.Store.Subscription("events", "billing").Settings);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task GetQueueStats_reports_settings_and_counters()
    {
        await using var q = await QueueHarness.StartAsync(options: new QueueOptions { VisibilityTimeout = TimeSpan.FromSeconds(45), MaxDeliveries = 3 });
        q.Publish(0, "a", "b", "c", "d");
        var consumer = q.Connection.OpenQueue("jobs");
        var messages = await consumer.ReceiveAsync(3, TimeSpan.Zero);
        await messages[0].AckAsync();
        await messages[1].NackAsync(TimeSpan.FromMinutes(5));

        var stats = await q.Connection.GetQueueStatsAsync("jobs", "jobs");

        Assert.Equal(("jobs", "jobs"), (stats.Topic, stats.Subscription));
        Assert.Equal(TimeSpan.FromSeconds(45), stats.VisibilityTimeout);
        Assert.Equal(3, stats.MaxDeliveries);
        Assert.Equal("jobs.dlq", stats.DeadLetterTopic);
        Assert.Equal(100_000, stats.MaxInFlight);
        Assert.Equal(QueueAckMode.Explicit, stats.AckMode);
        Assert.Equal((1L, 1L, 1L), (stats.Visible, stats.InFlight, stats.Delayed));
        Assert.Equal(3, stats.Depth);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), stats.OldestUnackedAge);
        Assert.Equal((3L, 1L, 7L, 3L), (stats.Delivered, stats.Acked, stats.DeliveriesPerSecond, stats.AcksPerSecond));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task DeleteSubscription_removes_it()
    {
        await using var q = await QueueHarness.StartAsync();

        await q.Connection.DeleteSubscriptionAsync("jobs", "jobs");

        var error = await Assert.ThrowsAsync<BrokerException>(() => q.Connection.GetQueueStatsAsync("jobs", "jobs").AsTask());
        Assert.Equal(ErrorCode.UnknownSubscription, error.Code);
        var again = await Assert.ThrowsAsync<BrokerException>(() => q.Connection.DeleteSubscriptionAsync("jobs", "jobs").AsTask());
        Assert.Equal(ErrorCode.UnknownSubscription, again.Code);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Names_are_checked_before_anything_is_sent()
    {
        await using var q = await QueueHarness.StartAsync();
        int before = q.Broker.Requests.Count;

        Assert.Throws<ArgumentException>(() => q.Connection.OpenQueue(""));
        Assert.Throws<ArgumentException>(() => q.Connection.OpenSubscription("jobs", new string('s', 250)));
        Assert.Throws<ArgumentException>(() => q.Connection.CreateSubscriptionAsync("jobs", ""));

        Assert.Equal(before, q.Broker.Requests.Count);
    }
}
