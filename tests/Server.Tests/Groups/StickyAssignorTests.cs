using FastBroker.Server.Groups;

namespace FastBroker.Server.Tests.Groups;

public sealed class StickyAssignorTests
{
    private static int[] Counts(int[] target, int members)
    {
        var counts = new int[members];
        foreach (int m in target) counts[m]++;
        return counts;
    }

    [Fact]
    public void No_members_assign_nothing()
        => Assert.All(StickyAssignor.Assign(0, [-1, -1, -1]), t => Assert.Equal(-1, t));

    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 4)]
    [InlineData(3, 4)]
    [InlineData(3, 10)]
    [InlineData(5, 3)]
    public void Fresh_assignment_is_balanced_and_covers_every_partition(int members, int partitions)
    {
        var owners = new int[partitions];
        Array.Fill(owners, -1);
        var target = StickyAssignor.Assign(members, owners);
        Assert.All(target, t => Assert.InRange(t, 0, members - 1));
        var counts = Counts(target, members);
        Assert.True(counts.Max() - counts.Min() <= 1, string.Join(",", counts));
    }

    [Fact]
    public void Owners_keep_their_partitions_when_the_balance_allows()
    {
        int[] owners = [1, 0, 1, 0];
        Assert.Equal(owners, StickyAssignor.Assign(2, owners));
    }

    [Fact]
    public void A_new_member_takes_only_what_it_must_and_nobody_else_moves()
    {
        // Two members with 2 each; a third joins: exactly one partition moves, from one of them.
        int[] owners = [0, 0, 1, 1];
        var target = StickyAssignor.Assign(3, owners);
        int moved = 0;
        for (int p = 0; p < owners.Length; p++)
            if (target[p] != owners[p]) { moved++; Assert.Equal(2, target[p]); }
        Assert.Equal(1, moved);
        Assert.True(Counts(target, 3).Max() - Counts(target, 3).Min() <= 1);
    }

    [Fact]
    public void A_departed_members_partitions_are_spread_and_the_rest_stay()
    {
        // Member 2 left: its partitions (owner -1 now) go to the others; members 0 and 1 keep theirs.
        int[] owners = [0, 0, 1, 1, -1, -1];
        var target = StickyAssignor.Assign(2, owners);
        Assert.Equal([0, 0, 1, 1], target[..4]);
        Assert.Equal([3, 3], Counts(target, 2));
    }

    [Fact]
    public void The_member_owning_most_keeps_the_extra_partition()
    {
        // 5 partitions, 2 members: member 1 owns 3 and keeps them; member 0 gets the free ones.
        int[] owners = [-1, 1, 1, -1, 1];
        var target = StickyAssignor.Assign(2, owners);
        Assert.Equal([0, 1, 1, 0, 1], target);
    }

    [Fact]
    public void An_overloaded_owner_gives_up_only_its_surplus()
    {
        int[] owners = [0, 0, 0, 0, 0, 0];
        var target = StickyAssignor.Assign(3, owners);
        Assert.Equal(2, target.Count(t => t == 0));
        Assert.Equal([0, 0], target[..2]);
        Assert.Equal([2, 2, 2], Counts(target, 3));
    }
}
