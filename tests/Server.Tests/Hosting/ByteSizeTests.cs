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

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(1000L, "1000")]
    [InlineData(4096L, "4KiB")]
    [InlineData(16777216L, "16MiB")]
    [InlineData(1536L * 1024 * 1024, "1536MiB")]
    [InlineData(2147483648L, "2GiB")]
    public void Sizes_are_written_as_typed_and_parse_back(long bytes, string expected)
    {
        Assert.Equal(expected, ByteSize.Format(bytes));
        Assert.True(ByteSize.TryParse(expected, out long back));
        Assert.Equal(bytes, back);
    }
}
