using FastBroker.Load.Cli;

namespace FastBroker.Load.Tests.Cli;

public sealed class ValueParsersTests
{
    [Theory]
    [InlineData("500us", 500)]
    [InlineData("500µs", 500)]
    [InlineData("1.5ms", 1_500)]
    [InlineData("30s", 30_000_000)]
    [InlineData("2m", 120_000_000)]
    [InlineData("1h", 3_600_000_000)]
    [InlineData("0", 0)]
    [InlineData(" 5s ", 5_000_000)]
    public void Durations_need_a_unit(string text, long microseconds)
    {
        Assert.True(ValueParsers.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMicroseconds(microseconds), duration);
    }

    [Theory]
    [InlineData("30")]
    [InlineData("5 s")]
    [InlineData("5sec")]
    [InlineData("-1s")]
    [InlineData("2d")]
    [InlineData("")]
    [InlineData("ms")]
    public void Durations_without_a_known_unit_are_refused(string text)
    {
        Assert.False(ValueParsers.TryParseDuration(text, out _));
    }

    [Theory]
    [InlineData("5000", 5_000)]
    [InlineData("1_000_000", 1_000_000)]
    [InlineData("1,000", 1_000)]
    [InlineData("500k", 500_000)]
    [InlineData("1.5M", 1_500_000)]
    [InlineData("2G", 2_000_000_000)]
    public void Quantities_take_decimal_multipliers(string text, double value)
    {
        Assert.True(ValueParsers.TryParseQuantity(text, out double parsed));
        Assert.Equal(value, parsed);
    }

    [Theory]
    [InlineData("100", 100)]
    [InlineData("64KiB", 65_536)]
    [InlineData("64k", 65_536)]
    [InlineData("1MiB", 1_048_576)]
    [InlineData("1m", 1_048_576)]
    public void Sizes_take_binary_multipliers(string text, long bytes)
    {
        Assert.True(ValueParsers.TryParseBytes(text, out long parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("always", true)]
    [InlineData("never", true)]
    [InlineData("interval:5", true)]
    [InlineData("interval:0", false)]
    [InlineData("interval:", false)]
    [InlineData("Always", false)]
    public void Fsync_labels_follow_the_server_syntax(string text, bool valid)
    {
        Assert.Equal(valid, ValueParsers.IsFsyncPolicy(text));
    }
}
