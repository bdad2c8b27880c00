using FastBroker.Load.Scenarios;

namespace FastBroker.Load.Tests.Scenarios;

public sealed class OpenLoopScheduleTests
{
    [Fact]
    public void Message_i_is_due_at_start_plus_i_over_rate()
    {
        var schedule = new OpenLoopSchedule(startTimestamp: 5_000, ratePerSecond: 10_000, timestampFrequency: 1_000_000_000);

        Assert.Equal(5_000, schedule.IntendedTimestamp(0));
        Assert.Equal(5_000 + 100_000, schedule.IntendedTimestamp(1));
        Assert.Equal(5_000 + 1_000_000_000, schedule.IntendedTimestamp(10_000));
    }

    [Fact]
    public void Intervals_that_do_not_divide_evenly_do_not_drift()
    {
        // 3 per second on a 10 MHz clock: 3,333,333.3 ticks apart; computed from the start each time.
        var schedule = new OpenLoopSchedule(0, ratePerSecond: 3, timestampFrequency: 10_000_000);

        Assert.Equal(3_333_333, schedule.IntendedTimestamp(1));
        Assert.Equal(6_666_666, schedule.IntendedTimestamp(2));
        Assert.Equal(10_000_000, schedule.IntendedTimestamp(3));
        Assert.Equal(3_000_000_000, schedule.IntendedTimestamp(900));
    }

    [Fact]
    public void Far_indexes_at_high_rates_do_not_overflow()
    {
        var schedule = new OpenLoopSchedule(0, ratePerSecond: 100_000_000, timestampFrequency: 1_000_000_000);

        // Ten minutes at 100 M msg/s.
        Assert.Equal(600_000_000_000, schedule.IntendedTimestamp(60_000_000_000));
    }

    [Theory]
    [InlineData(5, 10_000, 1_000_000, 50_000)]
    [InlineData(5, 10_000, 3_000, 3_000)]
    [InlineData(0.5, 3, 100, 1)]
    public void A_run_plans_rate_times_duration_messages_at_most_count(double seconds, long rate, long count, long planned)
    {
        Assert.Equal(planned, OpenLoopSchedule.MessagesWithin(TimeSpan.FromSeconds(seconds), rate, count));
    }
}
