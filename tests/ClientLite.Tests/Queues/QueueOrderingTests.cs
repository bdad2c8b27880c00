using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.ClientLite.Tests.Queues;

public sealed class QueueOrderingTests
{
    [Fact]
    public void Ordering_defaults_to_none_and_refuses_unknown_values()
    {
        Assert.Equal(QueueOrdering.None, new QueueOptions().Ordering);
        Assert.Throws<ArgumentOutOfRangeException>(() => new QueueOptions { Ordering = (QueueOrdering)7 });
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Key_ordering_is_sent_as_options_bit_1_only_when_asked_for_and_reported_by_stats()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        await connection.CreateSubscriptionAsync("orders", "plain");
        bool plainHadFields = broker.Store.LastCreateHadFilterFields;
        await connection.CreateSubscriptionAsync("orders", "billing", new QueueOptions { Ordering = QueueOrdering.Key, DeadLetterExpired = true });

        // A plain create stays the first version's request, which every broker accepts.
        Assert.False(plainHadFields);
        Assert.True(broker.Store.LastCreateHadFilterFields);
        var settings = broker.Store.Subscription("orders", "billing").Settings;
        Assert.True(settings.KeyOrdered);
        Assert.Equal(SubscriptionSettings.OptionKeyOrdered | SubscriptionSettings.OptionDeadLetterExpired, settings.Options);
        Assert.Equal("", settings.Filter);

        Assert.Equal(QueueOrdering.Key, (await connection.GetQueueStatsAsync("orders", "billing")).Ordering);
        Assert.Equal(QueueOrdering.None, (await connection.GetQueueStatsAsync("orders", "plain")).Ordering);
    }
}
