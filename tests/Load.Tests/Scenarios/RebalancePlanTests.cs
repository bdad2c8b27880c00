using FastBroker.Load.Scenarios;

namespace FastBroker.Load.Tests.Scenarios;

public sealed class RebalancePlanTests
{
    // 1 tick = 1 ms keeps the arithmetic readable.
    private const long Frequency = 1_000;

    [Fact]
    public void Changes_fall_at_the_quarters_and_windows_last_one_session_timeout_or_two_after_a_kill()
    {
        var plan = new RebalancePlan(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(3), Frequency);
        plan.Begin(10_000);

        Assert.Equal(25_000, plan.JoinAt);
        Assert.Equal(40_000, plan.LeaveAt);
        Assert.Equal(55_000, plan.KillAt);
        Assert.Equal(70_000, plan.End);
        Assert.Equal(RebalancePhase.Steady, plan.PhaseAt(10_000));
        Assert.Equal(RebalancePhase.Steady, plan.PhaseAt(24_999));
        Assert.Equal(RebalancePhase.Join, plan.PhaseAt(25_000));
        Assert.Equal(RebalancePhase.Join, plan.PhaseAt(27_999));
        Assert.Equal(RebalancePhase.AfterJoin, plan.PhaseAt(28_000));
        Assert.Equal(RebalancePhase.Leave, plan.PhaseAt(40_000));
        Assert.Equal(RebalancePhase.AfterLeave, plan.PhaseAt(43_000));
        Assert.Equal(RebalancePhase.Kill, plan.PhaseAt(55_000));
        Assert.Equal(RebalancePhase.Kill, plan.PhaseAt(60_999));
        Assert.Equal(RebalancePhase.AfterKill, plan.PhaseAt(61_000));
        Assert.Equal(RebalancePhase.AfterKill, plan.PhaseAt(90_000));
    }

    [Fact]
    public void Before_it_begins_every_moment_is_steady()
    {
        var plan = new RebalancePlan(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(3), Frequency);

        Assert.Equal(RebalancePhase.Steady, plan.PhaseAt(long.MaxValue));
        Assert.Equal(0, plan.Start);
    }

    [Fact]
    public void The_last_phase_runs_to_the_last_delivery_and_reads_in_seconds_from_the_start()
    {
        var plan = new RebalancePlan(TimeSpan.FromSeconds(28), TimeSpan.FromSeconds(3), Frequency);
        plan.Begin(1_000);

        Assert.Equal((1_000L, 8_000L), plan.Span(RebalancePhase.Steady, end: 40_000));
        Assert.Equal((28_000L, 31_000L), plan.Span(RebalancePhase.AfterKill, end: 31_000));
        Assert.Equal("kill (21.0-27.0 s)", plan.Describe(RebalancePhase.Kill, end: 31_000));
        Assert.Equal("after kill (27.0-30.0 s)", plan.Describe(RebalancePhase.AfterKill, end: 31_000));
    }

    [Fact]
    public void A_run_too_short_for_the_kill_window_is_refused()
    {
        Assert.Equal(TimeSpan.FromSeconds(28), RebalancePlan.MinimumDuration(TimeSpan.FromSeconds(3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RebalancePlan(TimeSpan.FromSeconds(27), TimeSpan.FromSeconds(3), Frequency));
    }
}
