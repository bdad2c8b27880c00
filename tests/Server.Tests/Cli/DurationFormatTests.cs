using FastBroker.Server.Cli;

namespace FastBroker.Server.Tests.Cli;

public sealed class DurationFormatTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(1, "1ms")]
    [InlineData(500, "500ms")]
    [InlineData(1500, "1500ms")]
    [InlineData(30_000, "30s")]
    [InlineData(90_000, "90s")]
    [InlineData(120_000, "2m")]
    [InlineData(43_200_000, "12h")]
    public void Durations_are_written_in_the_largest_whole_unit_and_parse_back(int milliseconds, string expected)
    {
        var duration = TimeSpan.FromMilliseconds(milliseconds);
        Assert.Equal(expected, CliValues.FormatDuration(duration));
        Assert.True(CliValues.TryParseDuration(expected, allowZero: true, out var back));
        Assert.Equal(duration, back);
    }
}
