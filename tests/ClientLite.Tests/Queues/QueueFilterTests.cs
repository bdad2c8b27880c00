using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.ClientLite.Tests.Queues;

public sealed class QueueFilterTests
{
    [Fact]
    public void An_invalid_filter_is_rejected_when_set_with_the_parser_message()
    {
        var error = Assert.Throws<ArgumentException>(() => new QueueOptions { Filter = "key ~ " });
        Assert.StartsWith("invalid filter: ", error.Message);
        Assert.Contains("column", error.Message);
        Assert.Equal(nameof(QueueOptions.Filter), error.ParamName);
    }

    [Fact]
    public void An_empty_filter_means_none()
    {
        Assert.Null(new QueueOptions { Filter = "" }.Filter);
        Assert.Equal("key ~ \"eu.#\"", new QueueOptions { Filter = "key ~ \"eu.#\"" }.Filter);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task CreateSubscription_sends_the_filter_and_options_only_when_set()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        await connection.CreateSubscriptionAsync("orders", "plain");
        bool plainHadFields = broker.Store.LastCreateHadFilterFields;
        await connection.CreateSubscriptionAsync("orders", "eu",
            new QueueOptions { Filter = "key ~ \"eu.#\" and header(type) = \"created\"", DeadLetterExpired = true });

        Assert.False(plainHadFields);
        Assert.True(broker.Store.LastCreateHadFilterFields);
        var settings = broker.Store.Subscription("orders", "eu").Settings;
        Assert.Equal("key ~ \"eu.#\" and header(type) = \"created\"", settings.Filter);
        Assert.True(settings.DeadLetterExpired);
        Assert.Equal("", broker.Store.Subscription("orders", "plain").Settings.Filter);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task GetQueueStats_reports_filtered_expired_and_the_filter()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await connection.CreateSubscriptionAsync("orders", "eu", new QueueOptions { Filter = "key ~ \"eu.#\"" });
        await connection.CreateSubscriptionAsync("orders", "all");

        var eu = await connection.GetQueueStatsAsync("orders", "eu");
        var all = await connection.GetQueueStatsAsync("orders", "all");

        Assert.Equal((11L, 13L, "key ~ \"eu.#\"", false), (eu.Filtered, eu.Expired, eu.Filter, eu.DeadLetterExpired));
        Assert.Null(all.Filter);
    }
}
