using FastBroker.Load.Scenarios;

namespace FastBroker.Load.Tests.Scenarios;

public sealed class PartitionGapsTests
{
    [Fact]
    public void The_gap_is_the_time_since_the_partitions_previous_delivery_whoever_received_it()
    {
        var gaps = new PartitionGaps(3);

        Assert.Equal(0, gaps.Observe(1, 1_000));
        Assert.Equal(0, gaps.Observe(2, 1_100));
        Assert.Equal(500, gaps.Observe(1, 1_500));
        Assert.Equal(1_900, gaps.Observe(2, 3_000));
        Assert.Equal(0, gaps.Observe(7, 3_000));
    }
}
