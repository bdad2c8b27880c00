using FastBroker.Server.Cli;

namespace FastBroker.Server.Tests.Cli;

/// <summary>The time syntax of <c>publish --expires-at</c>.</summary>
public sealed class ExpiryTimeParsingTests
{
    [Theory]
    [InlineData("2030-01-31T12:00:00Z", 1_896_091_200_000)]
    [InlineData("2030-01-31T14:00:00+02:00", 1_896_091_200_000)]
    [InlineData("2030-01-31T12:00:00", 1_896_091_200_000)] // no offset: UTC, whatever the machine's zone
    [InlineData("2030-01-31 12:00:00.250Z", 1_896_091_200_250)]
    [InlineData("1896091200000", 1_896_091_200_000)]
    [InlineData(" 0 ", 0)]
    public void Times_accept_ISO_8601_and_Unix_milliseconds(string text, long unixMs)
    {
        Assert.True(CliValues.TryParseTime(text, out var time));
        Assert.Equal(unixMs, time.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("")]
    [InlineData("tomorrow")]
    [InlineData("-5")]
    [InlineData("1969-12-31T23:59:59Z")]
    [InlineData("99999999999999999999")]
    [InlineData("253402300800000")] // one millisecond past DateTimeOffset.MaxValue
    public void Bad_times_are_refused(string text)
    {
        Assert.False(CliValues.TryParseTime(text, out _));
    }
}
