using FastBroker.Server.Journal;

namespace FastBroker.Server.Tests.Journal;

public sealed class FsyncPolicyTests
{
    [Theory]
    [InlineData("always", FsyncMode.Always, 0)]
    [InlineData("ALWAYS", FsyncMode.Always, 0)]
    [InlineData("never", FsyncMode.Never, 0)]
    [InlineData("Never", FsyncMode.Never, 0)]
    [InlineData("interval:1", FsyncMode.Interval, 1)]
    [InlineData("interval:250", FsyncMode.Interval, 250)]
    [InlineData("Interval:60000", FsyncMode.Interval, 60000)]
    public void TryParse_accepts_valid_policies(string text, FsyncMode mode, int intervalMs)
    {
        Assert.True(FsyncPolicy.TryParse(text, out var policy));
        Assert.Equal(mode, policy.Mode);
        Assert.Equal(TimeSpan.FromMilliseconds(intervalMs), policy.Interval);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" always")]
    [InlineData("always ")]
    [InlineData("sometimes")]
    [InlineData("interval")]
    [InlineData("interval:")]
    [InlineData("interval:0")]
    [InlineData("interval:60001")]
    [InlineData("interval:-5")]
    [InlineData("interval:+5")]
    [InlineData("interval: 5")]
    [InlineData("interval:5ms")]
    [InlineData("interval:1.5")]
    [InlineData("interval:99999999999")]
    [InlineData("interval=5")]
    public void TryParse_rejects_invalid_text_and_leaves_default(string? text)
    {
        Assert.False(FsyncPolicy.TryParse(text, out var policy));
        Assert.Equal(default, policy);
    }

    [Theory]
    [InlineData("always")]
    [InlineData("never")]
    [InlineData("interval:1")]
    [InlineData("interval:250")]
    [InlineData("interval:60000")]
    public void ToString_round_trips_through_TryParse(string text)
    {
        Assert.True(FsyncPolicy.TryParse(text, out var policy));
        Assert.Equal(text, policy.ToString());
        Assert.True(FsyncPolicy.TryParse(policy.ToString(), out var again));
        Assert.Equal(policy, again);
    }

    [Fact]
    public void Named_policies_and_EveryInterval_match_their_text_form()
    {
        Assert.Equal("always", FsyncPolicy.Always.ToString());
        Assert.Equal("never", FsyncPolicy.Never.ToString());
        Assert.Equal("interval:20", FsyncPolicy.EveryInterval(TimeSpan.FromMilliseconds(20)).ToString());
        Assert.Equal(FsyncPolicy.Always, default);
        Assert.Equal(FsyncPolicy.Always, new JournalOptions().Fsync);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-10_000L)]
    [InlineData(5_000L)] // half a millisecond
    [InlineData(600_010_000L)] // 60001 ms
    public void EveryInterval_rejects_intervals_the_text_form_cannot_express(long ticks)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FsyncPolicy.EveryInterval(TimeSpan.FromTicks(ticks)));
    }
}
