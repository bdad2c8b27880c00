using FastBroker.Server.Topics;

namespace FastBroker.Server.Tests.Topics;

public sealed class TopicNameTests
{
    [Theory]
    [InlineData("orders")]
    [InlineData("a")]
    [InlineData("Orders.v2_eu-west")]
    [InlineData("...")]
    public void Valid_names(string name) => Assert.True(TopicName.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("café")]
    [InlineData("x:y")]
    public void Invalid_names(string name) => Assert.False(TopicName.IsValid(name));

    [Fact]
    public void Length_limit_is_249()
    {
        Assert.True(TopicName.IsValid(new string('a', 249)));
        Assert.False(TopicName.IsValid(new string('a', 250)));
    }
}
