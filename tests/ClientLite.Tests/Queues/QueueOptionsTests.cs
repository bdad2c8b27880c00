namespace FastBroker.ClientLite.Tests.Queues;

public sealed class QueueOptionsTests
{
    [Fact]
    public void Defaults_match_the_documented_ones()
    {
        var options = new QueueOptions();

        Assert.Equal(TimeSpan.FromSeconds(30), options.VisibilityTimeout);
        Assert.Equal(5, options.MaxDeliveries);
        Assert.Null(options.DeadLetterTopic);
        Assert.Equal(100_000, options.MaxInFlight);
        Assert.Equal(QueueAckMode.Explicit, options.AckMode);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0)]
    [InlineData(-1000)]
    [InlineData(12 * 3600 * 1000 + 1)]
    public void VisibilityTimeout_outside_1ms_to_12h_is_rejected(double milliseconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new QueueOptions { VisibilityTimeout = TimeSpan.FromMilliseconds(milliseconds) });
        Assert.Equal(nameof(QueueOptions.VisibilityTimeout), error.ParamName);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12 * 3600 * 1000)]
    public void VisibilityTimeout_at_the_limits_is_accepted(double milliseconds)
        => Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), new QueueOptions { VisibilityTimeout = TimeSpan.FromMilliseconds(milliseconds) }.VisibilityTimeout);

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    [InlineData(-5)]
    public void MaxDeliveries_outside_1_to_1000_is_rejected(int value)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new QueueOptions { MaxDeliveries = value });

    [Theory]
    [InlineData(0)]
    [InlineData(10_000_001)]
    public void MaxInFlight_outside_1_to_10_million_is_rejected(int value)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new QueueOptions { MaxInFlight = value });

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    [InlineData("ünïcode")]
    public void DeadLetterTopic_that_is_not_a_topic_name_is_rejected(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new QueueOptions { DeadLetterTopic = name });
        Assert.Contains("not a valid topic name", error.Message);
    }

    [Fact]
    public void DeadLetterTopic_accepts_up_to_249_name_characters()
    {
        Assert.Equal("a.b-c_D9", new QueueOptions { DeadLetterTopic = "a.b-c_D9" }.DeadLetterTopic);
        Assert.Equal(249, new QueueOptions { DeadLetterTopic = new string('x', 249) }.DeadLetterTopic!.Length);
        Assert.Throws<ArgumentException>(() => new QueueOptions { DeadLetterTopic = new string('x', 250) });
    }

    [Fact]
    public void AckMode_must_be_defined()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new QueueOptions { AckMode = (QueueAckMode)7 });
}
