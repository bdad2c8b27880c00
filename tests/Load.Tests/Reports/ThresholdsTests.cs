using FastBroker.Load.Reports;
using FastBroker.Load.Runs;

namespace FastBroker.Load.Tests.Reports;

public sealed class ThresholdsTests
{
    private static readonly LatencyReport P99Of800Microseconds = new() { P99 = 800, Count = 1 };

    [Fact]
    public void No_threshold_given_checks_nothing()
    {
        Assert.Empty(Thresholds.Evaluate(new RunSettings { Scenario = "latency" }, 1, P99Of800Microseconds));
    }

    [Theory]
    [InlineData(1_000, true)]
    [InlineData(800, true)]
    [InlineData(799, false)]
    public void Max_p99_compares_the_measured_p99(int limitMicroseconds, bool passed)
    {
        var settings = new RunSettings { Scenario = "latency", MaxP99 = TimeSpan.FromMicroseconds(limitMicroseconds) };

        var outcome = Assert.Single(Thresholds.Evaluate(settings, 10_000, P99Of800Microseconds));

        Assert.Equal("max-p99", outcome.Name);
        Assert.Equal(passed, outcome.Passed);
        Assert.Equal("800 µs", outcome.Measured);
    }

    [Fact]
    public void A_latency_limit_without_a_latency_measured_is_broken()
    {
        var settings = new RunSettings { Scenario = "e2e", MaxP99 = TimeSpan.FromMilliseconds(1) };

        var outcome = Assert.Single(Thresholds.Evaluate(settings, 10_000, latency: null));

        Assert.False(outcome.Passed);
        Assert.Equal("not measured", outcome.Measured);
    }

    [Theory]
    [InlineData(100_000, true)]
    [InlineData(99_999.5, false)]
    public void Min_throughput_compares_messages_per_second(double measured, bool passed)
    {
        var settings = new RunSettings { Scenario = "publish", MinThroughput = 100_000 };

        var outcome = Assert.Single(Thresholds.Evaluate(settings, measured, null));

        Assert.Equal("min-throughput", outcome.Name);
        Assert.Equal(passed, outcome.Passed);
        Assert.Equal("100,000 msg/s", outcome.Limit);
    }
}
