using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Wire.Tests.Queues;

/// <summary>The ranges PROTOCOL.md section 5.12 gives for subscription settings, and the default names.</summary>
public class SubscriptionSettingsTests
{
    [Fact]
    public void Defaults_are_30_seconds_5_deliveries_100000_in_flight_explicit_acks_and_the_default_dead_letter_topic()
    {
        var settings = SubscriptionSettings.Default;
        Assert.Equal(30_000u, settings.VisibilityTimeoutMs);
        Assert.Equal((ushort)5, settings.MaxDeliveries);
        Assert.Equal("", settings.DeadLetterTopic);
        Assert.Equal(100_000u, settings.MaxInFlight);
        Assert.Equal(AckMode.Explicit, settings.AckMode);
        Assert.Null(settings.Validate());
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(30_000u)]
    [InlineData(43_200_000u)]
    public void Visibility_from_1_ms_to_12_hours_is_valid(uint visibility)
        => Assert.Null((SubscriptionSettings.Default with { VisibilityTimeoutMs = visibility }).Validate());

    [Theory]
    [InlineData(0u)]
    [InlineData(43_200_001u)]
    [InlineData(uint.MaxValue)]
    public void Visibility_of_0_or_above_12_hours_is_refused(uint visibility)
        => AssertRefused(SubscriptionSettings.Default with { VisibilityTimeoutMs = visibility }, "visibility", visibility.ToString());

    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)1000)]
    public void Max_deliveries_from_1_to_1000_is_valid(ushort maxDeliveries)
        => Assert.Null((SubscriptionSettings.Default with { MaxDeliveries = maxDeliveries }).Validate());

    [Theory]
    [InlineData((ushort)0)]
    [InlineData((ushort)1001)]
    [InlineData(ushort.MaxValue)]
    public void Max_deliveries_of_0_or_above_1000_is_refused(ushort maxDeliveries)
        => AssertRefused(SubscriptionSettings.Default with { MaxDeliveries = maxDeliveries }, "max deliveries", maxDeliveries.ToString());

    [Theory]
    [InlineData(1u)]
    [InlineData(10_000_000u)]
    public void Max_in_flight_from_1_to_10_million_is_valid(uint maxInFlight)
        => Assert.Null((SubscriptionSettings.Default with { MaxInFlight = maxInFlight }).Validate());

    [Theory]
    [InlineData(0u)]
    [InlineData(10_000_001u)]
    [InlineData(uint.MaxValue)]
    public void Max_in_flight_of_0_or_above_10_million_is_refused(uint maxInFlight)
        => AssertRefused(SubscriptionSettings.Default with { MaxInFlight = maxInFlight }, "max in flight", maxInFlight.ToString());

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)1)]
    public void Ack_modes_explicit_and_none_are_valid(byte ackMode)
        => Assert.Null((SubscriptionSettings.Default with { AckMode = (AckMode)ackMode }).Validate());

    [Theory]
    [InlineData((byte)2)]
    [InlineData((byte)255)]
    public void Ack_mode_other_than_0_or_1_is_refused(byte ackMode)
        => AssertRefused(SubscriptionSettings.Default with { AckMode = (AckMode)ackMode }, "ack mode", ackMode.ToString());

    [Fact]
    public void Limits_match_the_protocol_constants()
    {
        Assert.Equal(43_200_000u, Protocol.MaxVisibilityTimeoutMs);
        Assert.Equal((ushort)1000, Protocol.MaxDeliveriesLimit);
        Assert.Equal(10_000_000u, Protocol.MaxInFlightLimit);
        Assert.Equal(1_000_000u, Protocol.MaxCredit);
        Assert.Equal(20_000u, Protocol.MaxReceiveWaitMs);
        Assert.Equal(10_000u, Protocol.MaxReceiveMessages);
        Assert.Equal(Protocol.MaxVisibilityTimeoutMs, Protocol.MaxNackDelayMs);
    }

    [Theory]
    [InlineData("orders", "orders", "orders.dlq")]
    [InlineData("orders", "shipping", "orders.shipping.dlq")]
    [InlineData("Orders", "orders", "Orders.orders.dlq")]
    [InlineData("a.b", "a", "a.b.a.dlq")]
    [InlineData("orders.dlq", "orders.dlq", "orders.dlq.dlq")]
    public void Default_dead_letter_topic_is_topic_dlq_for_a_queue_and_topic_subscription_dlq_otherwise(
        string topic, string subscription, string expected)
        => Assert.Equal(expected, SubscriptionSettings.DefaultDeadLetterTopic(topic, subscription));

    [Fact]
    public void Default_dead_letter_topic_of_long_names_is_not_cut_so_the_broker_can_refuse_it()
    {
        // PROTOCOL.md section 5.12: a default name above 249 bytes is InvalidTopicName, never silently shortened
        // (two subscriptions could otherwise share a dead-letter topic by accident).
        string topic = new('t', Protocol.MaxTopicNameBytes), subscription = new('s', Protocol.MaxTopicNameBytes);
        Assert.Equal(topic.Length + 4, SubscriptionSettings.DefaultDeadLetterTopic(topic, topic).Length);
        Assert.Equal(topic.Length + subscription.Length + 5, SubscriptionSettings.DefaultDeadLetterTopic(topic, subscription).Length);
    }

    [Fact]
    public void Dead_letter_header_names_are_the_ones_the_spec_lists()
    {
        Assert.Equal(
            ["fb-dlq-topic", "fb-dlq-subscription", "fb-dlq-partition", "fb-dlq-offset", "fb-dlq-deliveries", "fb-dlq-reason"],
            [DeadLetterHeaders.SourceTopic, DeadLetterHeaders.SourceSubscription, DeadLetterHeaders.SourcePartition,
             DeadLetterHeaders.SourceOffset, DeadLetterHeaders.DeliveryCount, DeadLetterHeaders.Reason]);
        Assert.Equal("max-deliveries", DeadLetterHeaders.MaxDeliveriesReason);
        Assert.Equal("expired", DeadLetterHeaders.ExpiredReason);
    }

    [Fact]
    public void An_invalid_filter_is_refused_with_the_parser_message()
    {
        var settings = SubscriptionSettings.Default with { Filter = "key ~ " };
        string? problem = settings.Validate();
        Assert.NotNull(problem);
        Assert.StartsWith("invalid filter: ", problem);
        Assert.Null((SubscriptionSettings.Default with { Filter = "key ~ \"eu.#\"" }).Validate());
    }

    [Fact]
    public void No_filter_and_an_empty_filter_are_the_same_settings()
    {
        Assert.Equal(SubscriptionSettings.Default, SubscriptionSettings.Default with { Filter = "" });
        Assert.Equal("", SubscriptionSettings.Default.Filter);
        Assert.Equal(0, SubscriptionSettings.Default.Options);
        Assert.Equal(1, (SubscriptionSettings.Default with { DeadLetterExpired = true }).Options);
        Assert.Equal(2, (SubscriptionSettings.Default with { KeyOrdered = true }).Options);
        Assert.Equal(3, (SubscriptionSettings.Default with { KeyOrdered = true, DeadLetterExpired = true }).Options);
    }

    private static void AssertRefused(SubscriptionSettings settings, string field, string value)
    {
        string? problem = settings.Validate();
        Assert.NotNull(problem);
        Assert.Contains(field, problem);
        Assert.Contains(value, problem);
    }
}
