using FastBroker.Server.Transport;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Transport;

public sealed class RateLimitedLogTests
{
    [Fact]
    public void One_line_per_interval_and_the_next_one_counts_what_was_held_back()
    {
        var time = new FakeTimeProvider();
        var log = new RateLimitedLog(time, TimeSpan.FromSeconds(5));

        Assert.True(log.TryTake(out int suppressed));
        Assert.Equal(0, suppressed);
        for (int i = 0; i < 1000; i++) Assert.False(log.TryTake(out _));

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(log.TryTake(out suppressed));
        Assert.Equal(1000, suppressed);
        Assert.False(log.TryTake(out _));
    }
}
