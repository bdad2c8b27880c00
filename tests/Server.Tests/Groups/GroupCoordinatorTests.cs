using FastBroker.Server.Groups;
using FastBroker.Wire;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Groups;

/// <summary>The coordinator on a fake clock: joins, revoke-before-assign, generations, session expiry, leave, fencing.</summary>
public sealed class GroupCoordinatorTests : IDisposable
{
    private static readonly TimeSpan Session = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _time = new();
    private readonly GroupCoordinator _coordinator;

    public GroupCoordinatorTests() => _coordinator = new GroupCoordinator(_time);

    public void Dispose() => _coordinator.Dispose();

    private GroupAssignment Join(string member = "", int partitions = 4)
    {
        Assert.Equal(ErrorCode.None, _coordinator.Join("g", "t", member, "client", Session, partitions, out var assignment));
        return assignment;
    }

    private GroupAssignment Beat(string member, int[] owned, int partitions = 4)
    {
        Assert.Equal(ErrorCode.None, _coordinator.Heartbeat("g", "t", member, owned, partitions, out var assignment));
        return assignment;
    }

    [Fact]
    public void First_member_gets_every_partition_and_generation_1()
    {
        var a = Join();
        Assert.Equal([0, 1, 2, 3], a.Partitions);
        Assert.Equal(1u, a.Generation);
        Assert.Equal((uint)Session.TotalMilliseconds / 3, a.HeartbeatIntervalMs);
        Assert.True(_coordinator.HasMembers("g", "t"));
        Assert.False(_coordinator.HasMembers("g", "other"));
    }

    [Fact]
    public void A_second_member_gets_partitions_only_after_the_first_gives_them_back()
    {
        var a = Join();
        var b = Join();
        Assert.Empty(b.Partitions); // revoke before assign: A still owns all four
        Assert.Equal(2u, b.Generation);

        // A learns at its heartbeat that it keeps two; the other two are being asked back.
        var a2 = Beat(a.Member, [0, 1, 2, 3]);
        Assert.Equal(2, a2.Partitions.Length);
        var revoked = new[] { 0, 1, 2, 3 }.Except(a2.Partitions).ToArray();
        Assert.Empty(Beat(b.Member, []).Partitions);
        Assert.Equal(ErrorCode.None, _coordinator.CheckCommit("g", "t", a.Member, a2.Generation, revoked[0])); // may commit before confirming

        // A confirms by heartbeating without them: B gets them, the generation goes up.
        var a3 = Beat(a.Member, a2.Partitions);
        Assert.Equal(a2.Partitions, a3.Partitions);
        Assert.Equal(3u, a3.Generation);
        var b2 = Beat(b.Member, []);
        Assert.Equal(revoked, b2.Partitions);
        Assert.Equal(ErrorCode.StaleGeneration, _coordinator.CheckCommit("g", "t", a.Member, a2.Generation, revoked[0]));
        Assert.Equal(ErrorCode.None, _coordinator.CheckCommit("g", "t", b.Member, b2.Generation, revoked[0]));
    }

    [Fact]
    public void A_third_member_moves_only_the_necessary_partitions()
    {
        var (a, b) = TwoSettled();
        var c = Join();
        var a2 = Beat(a.Member, a.Partitions);
        var b2 = Beat(b.Member, b.Partitions);
        // One of A and B gives back exactly one partition; the other keeps both and never stops.
        Assert.Equal(1, (a.Partitions.Length - a2.Partitions.Length) + (b.Partitions.Length - b2.Partitions.Length));
        Assert.Subset(a.Partitions.ToHashSet(), a2.Partitions.ToHashSet());
        Assert.Subset(b.Partitions.ToHashSet(), b2.Partitions.ToHashSet());
        Beat(a.Member, a2.Partitions);
        Beat(b.Member, b2.Partitions);
        var c2 = Beat(c.Member, []);
        Assert.Single(c2.Partitions);
    }

    [Fact]
    public void A_silent_member_loses_its_partitions_after_the_session_timeout()
    {
        var (a, b) = TwoSettled();
        uint before = _coordinator.Describe("g", "t")[0].Generation;
        // A keeps heartbeating, B goes silent.
        for (int i = 0; i < 6; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(300));
            Beat(a.Member, a.Partitions);
        }
        Assert.Equal(2, _coordinator.Describe("g", "t").Count); // 1.8 s: not yet
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Beat(a.Member, a.Partitions);
        var members = _coordinator.Describe("g", "t");
        Assert.Single(members);
        Assert.Equal([0, 1, 2, 3], members[0].Assigned);
        Assert.True(members[0].Generation > before);
        Assert.Equal(ErrorCode.UnknownMember, _coordinator.Heartbeat("g", "t", b.Member, b.Partitions, 4, out _));
        Assert.Equal(ErrorCode.UnknownMember, _coordinator.CheckCommit("g", "t", b.Member, 99, b.Partitions[0]));
    }

    [Fact]
    public void Leave_releases_at_once()
    {
        var (a, b) = TwoSettled();
        Assert.Equal(ErrorCode.None, _coordinator.Leave("g", "t", b.Member));
        Assert.Equal([0, 1, 2, 3], Beat(a.Member, a.Partitions).Partitions);
        Assert.Equal(ErrorCode.UnknownMember, _coordinator.Leave("g", "t", b.Member));
    }

    [Fact]
    public void The_last_member_leaving_empties_the_group_and_the_sweep_drops_it()
    {
        var a = Join();
        Assert.Equal(ErrorCode.None, _coordinator.Leave("g", "t", a.Member));
        Assert.False(_coordinator.HasMembers("g", "t"));
        _time.Advance(GroupCoordinator.SweepInterval);
        Assert.Empty(_coordinator.Describe("g", null));
        Assert.Equal([0, 1, 2, 3], Join().Partitions);
    }

    [Fact]
    public void Rejoining_with_a_live_member_id_keeps_its_partitions_and_generation()
    {
        var (a, _) = TwoSettled();
        uint generation = Beat(a.Member, a.Partitions).Generation;
        var again = Join(a.Member);
        Assert.Equal(a.Member, again.Member);
        Assert.Equal(a.Partitions, again.Partitions);
        Assert.Equal(generation, again.Generation);
    }

    [Fact]
    public void Rejoining_with_an_unknown_member_id_makes_a_new_member()
    {
        var a = Join("not-a-member");
        Assert.NotEqual("not-a-member", a.Member);
        Assert.Equal([0, 1, 2, 3], a.Partitions);
    }

    [Fact]
    public void Commits_are_fenced_by_membership_ownership_and_generation()
    {
        var (a, b) = TwoSettled();
        uint generation = Beat(a.Member, a.Partitions).Generation;
        Assert.Equal(ErrorCode.None, _coordinator.CheckCommit("g", "t", a.Member, generation, a.Partitions[0]));
        Assert.Equal(ErrorCode.None, _coordinator.CheckCommit("g", "t", a.Member, 1, a.Partitions[0])); // older, still owned
        Assert.Equal(ErrorCode.StaleGeneration, _coordinator.CheckCommit("g", "t", a.Member, generation, b.Partitions[0]));
        Assert.Equal(ErrorCode.StaleGeneration, _coordinator.CheckCommit("g", "t", a.Member, generation + 1, a.Partitions[0]));
        Assert.Equal(ErrorCode.StaleGeneration, _coordinator.CheckCommit("g", "t", a.Member, generation, 99));
        Assert.Equal(ErrorCode.UnknownMember, _coordinator.CheckCommit("g", "t", "nobody", generation, a.Partitions[0]));
        Assert.Equal(ErrorCode.UnknownMember, _coordinator.CheckCommit("g", "other", a.Member, generation, a.Partitions[0]));
    }

    [Fact]
    public void A_revoking_member_that_times_out_releases_to_the_waiting_member()
    {
        var a = Join();
        var b = Join();
        Assert.Empty(Beat(b.Member, []).Partitions);
        // A never confirms: after its session B gets everything.
        for (int i = 0; i < 8; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(300));
            Beat(b.Member, []);
        }
        Assert.Equal([0, 1, 2, 3], Beat(b.Member, []).Partitions);
        Assert.Equal(ErrorCode.UnknownMember, _coordinator.Heartbeat("g", "t", a.Member, [], 4, out _));
    }

    [Fact]
    public void Every_assignment_change_bumps_the_generation_and_a_plain_heartbeat_does_not()
    {
        var a = Join();
        uint g1 = a.Generation;
        Assert.Equal(g1, Beat(a.Member, a.Partitions).Generation);
        var b = Join();
        Assert.True(b.Generation > g1);
        var a2 = Beat(a.Member, a.Partitions);
        var a3 = Beat(a.Member, a2.Partitions);
        Assert.True(a3.Generation > b.Generation);
    }

    [Fact]
    public void A_topic_that_grew_is_spread_over_the_members()
    {
        var (a, b) = TwoSettled();
        var a2 = Beat(a.Member, a.Partitions, partitions: 6);
        var b2 = Beat(b.Member, b.Partitions, partitions: 6);
        Assert.Equal(6, a2.Partitions.Length + b2.Partitions.Length);
        Assert.Equal(3, a2.Partitions.Length);
    }

    private (GroupAssignment A, GroupAssignment B) TwoSettled()
    {
        var a = Join();
        var b = Join();
        var a2 = Beat(a.Member, a.Partitions);
        Beat(a.Member, a2.Partitions);
        var b2 = Beat(b.Member, []);
        Assert.Equal(2, a2.Partitions.Length);
        Assert.Equal(2, b2.Partitions.Length);
        return (a2 with { Member = a.Member }, b2 with { Member = b.Member });
    }
}
