using FastBroker.Server.Hosting;

namespace FastBroker.Server.Tests.Hosting;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1048576", 1048576L)]
    [InlineData("512k", 524288L)]
    [InlineData("16MiB", 16777216L)]
    [InlineData("1g", 1073741824L)]
    [InlineData(" 2KB ", 2048L)]
    public void Valid_sizes_parse(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out long bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("k")]
    [InlineData("-1")]
    [InlineData("1.5m")]
    [InlineData("12tb")]
    [InlineData("99999999999999999999")]
    [InlineData("9999999999999g")]
    public void Invalid_sizes_are_rejected(string text) => Assert.False(ByteSize.TryParse(text, out _));
}
