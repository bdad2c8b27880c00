using FastBroker.Load.Reports;

namespace FastBroker.Load.Tests.Reports;

public sealed class NumberTextTests
{
    [Theory]
    [InlineData(0, "0")]
    [InlineData(38.24, "38.2 µs")]
    [InlineData(412.3, "412 µs")]
    [InlineData(1_250, "1.25 ms")]
    [InlineData(16_990, "17.0 ms")]
    [InlineData(250_000, "250 ms")]
    [InlineData(2_500_000, "2.50 s")]
    public void Latencies_read_in_the_unit_that_keeps_them_short(double microseconds, string text)
    {
        Assert.Equal(text, NumberText.Latency(microseconds));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(750, "750")]
    [InlineData(500_000, "500k")]
    [InlineData(1_500_000, "1.5M")]
    public void Axis_rates_are_compact(double value, string text)
    {
        Assert.Equal(text, NumberText.Compact(value));
    }

    [Theory]
    [InlineData(100, "100 B")]
    [InlineData(1024, "1 KiB")]
    [InlineData(1000, "1000 B")]
    public void Sizes_show_whole_kibibytes(long bytes, string text)
    {
        Assert.Equal(text, NumberText.Bytes(bytes));
    }
}
