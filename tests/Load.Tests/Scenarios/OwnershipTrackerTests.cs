using FastBroker.Load.Scenarios;

namespace FastBroker.Load.Tests.Scenarios;

public sealed class OwnershipTrackerTests
{
    private const long Frequency = 1_000;

    [Fact]
    public void A_change_settles_when_every_partition_has_one_live_owner_and_counts_are_within_one()
    {
        var plan = Plan();
        var tracker = new OwnershipTracker(4, plan);
        tracker.Observe(1_000, [[0, 1], [2, 3]]);
        Assert.True(tracker.Settled);

        tracker.Changed(RebalancePhase.Join, 8_000);
        tracker.Observe(8_000, [[0, 1], [2, 3], []]);      // the new member has nothing yet
        Assert.False(tracker.Settled);
        tracker.Observe(8_300, [[0], [2, 3], []]);         // partition 1 given back, not given on yet
        tracker.Observe(8_700, [[0], [2, 3], [1]]);
        Assert.True(tracker.Settled);

        Assert.Equal(700, tracker.SettledAfter(RebalancePhase.Join));
        Assert.Equal(400, tracker.LongestUnowned(RebalancePhase.Join));
        Assert.Equal(0, tracker.LongestUnowned(RebalancePhase.Steady));
        Assert.Null(tracker.SettledAfter(RebalancePhase.Kill));
    }

    [Fact]
    public void A_partition_owned_twice_or_counts_apart_by_two_is_not_settled()
    {
        var tracker = new OwnershipTracker(4, Plan());

        tracker.Observe(1_000, [[0, 1], [1, 2, 3]]);
        Assert.False(tracker.Settled);
        tracker.Observe(1_010, [[0, 1, 2], [3], []]);
        Assert.False(tracker.Settled);
        tracker.Observe(1_020, [[0, 1, 2, 3]]);
        Assert.True(tracker.Settled);
    }

    [Fact]
    public void A_killed_members_partitions_count_as_unowned_until_another_member_has_them()
    {
        var plan = Plan();
        var tracker = new OwnershipTracker(4, plan);
        tracker.Changed(RebalancePhase.Kill, 22_000);
        tracker.Observe(22_000, [[2, 3]]);                 // the killed member's 0 and 1 have no live owner
        tracker.Observe(25_000, [[2, 3]]);
        tracker.Observe(25_100, [[0, 1, 2, 3]]);

        Assert.Equal(3_100, tracker.LongestUnowned(RebalancePhase.Kill));
        Assert.Equal(3_100, tracker.SettledAfter(RebalancePhase.Kill));
    }

    private static RebalancePlan Plan()
    {
        // Changes at 8 s, 15 s and 22 s of a 28 s run; session timeout 3 s.
        var plan = new RebalancePlan(TimeSpan.FromSeconds(28), TimeSpan.FromSeconds(3), Frequency);
        plan.Begin(1_000);
        return plan;
    }
}
