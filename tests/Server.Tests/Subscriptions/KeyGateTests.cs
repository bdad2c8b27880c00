using FastBroker.Server.Subscriptions;

namespace FastBroker.Server.Tests.Subscriptions;

public sealed class KeyGateTests
{
    private const ulong A = 11;
    private const ulong B = 22;

    [Fact]
    public void The_first_message_of_a_key_passes_and_later_ones_are_held_until_it_leaves()
    {
        var gate = new KeyGate(maxHeld: 10);
        Assert.True(gate.Enter(0, A));
        Assert.True(gate.Enter(1, B));
        Assert.False(gate.Enter(2, A));
        Assert.False(gate.Enter(3, A));
        Assert.Equal(2, gate.Held);
        Assert.Equal(2, gate.ActiveKeys);

        Assert.Equal(2, gate.Leave(0));
        Assert.Equal(1, gate.Held);
        Assert.Equal(-1, gate.Leave(1));
        Assert.Equal(1, gate.ActiveKeys);
        Assert.Equal(3, gate.Leave(2));
        Assert.Equal(-1, gate.Leave(3));
        Assert.Equal(0, gate.Held);
        Assert.Equal(0, gate.ActiveKeys);
        // The key's state went with its last message: a new one passes at once.
        Assert.True(gate.Enter(4, A));
    }

    [Fact]
    public void Leaving_a_held_or_unknown_offset_changes_nothing()
    {
        var gate = new KeyGate(maxHeld: 10);
        gate.Enter(0, A);
        gate.Enter(1, A);
        Assert.Equal(-1, gate.Leave(1));
        Assert.Equal(-1, gate.Leave(7));
        Assert.Equal(1, gate.Held);
        Assert.Equal(1, gate.Leave(0));
    }

    [Fact]
    public void Room_ends_at_the_held_bound()
    {
        var gate = new KeyGate(maxHeld: 2);
        gate.Enter(0, A);
        gate.Enter(1, A);
        Assert.True(gate.HasRoom);
        gate.Enter(2, A);
        Assert.False(gate.HasRoom);
        gate.Leave(0);
        Assert.True(gate.HasRoom);
    }

    [Fact]
    public void Drop_below_forgets_a_prefix_of_each_key_and_releases_the_new_first()
    {
        var gate = new KeyGate(maxHeld: 10);
        gate.Enter(0, A);
        gate.Enter(1, B);
        gate.Enter(2, A);
        gate.Enter(3, A);
        gate.Enter(4, B);
        gate.Enter(5, A);
        var released = new List<long>();
        gate.DropBelow(3, released);
        released.Sort();
        Assert.Equal([3L, 4L], released);
        Assert.Equal(1, gate.Held);
        Assert.Equal(5, gate.Leave(3));
        Assert.Equal(-1, gate.Leave(4));
        Assert.Equal(-1, gate.Leave(5));
        Assert.Equal(0, gate.ActiveKeys);
    }

    [Fact]
    public void The_lookahead_hands_out_hashes_by_offset_and_refuses_a_stale_append()
    {
        var gate = new KeyGate(maxHeld: 10);
        gate.ResetAhead(5);
        Assert.False(gate.Knows(5));
        Assert.True(gate.TryAppendAhead(5, [A, B, A]));
        Assert.False(gate.TryAppendAhead(5, [B]));
        Assert.True(gate.Knows(7));
        Assert.False(gate.Knows(8));
        Assert.True(gate.TryTakeAhead(6, out ulong hash));
        Assert.Equal(B, hash);
        // Taking 6 dropped 5.
        Assert.False(gate.TryTakeAhead(5, out _));
        Assert.Equal(KeyGate.LookaheadCapacity - 1, gate.AheadRoom);
        Assert.True(gate.TryAppendAhead(8, new ulong[KeyGate.LookaheadCapacity]));
        Assert.Equal(0, gate.AheadRoom);
        Assert.Equal(7 + KeyGate.LookaheadCapacity, gate.AheadEnd);
    }

    [Fact]
    public void Key_hashes_tell_keys_apart_and_never_look_like_no_key()
    {
        var seen = new HashSet<ulong>();
        for (int i = 0; i < 10_000; i++) Assert.True(seen.Add(KeyHash.Of(System.Text.Encoding.UTF8.GetBytes($"key-{i}"))));
        Assert.NotEqual(KeyHash.NoKey, KeyHash.Of([]));
        Assert.Equal(KeyHash.Of("abcdefghijk"u8), KeyHash.Of("abcdefghijk"u8));
        Assert.NotEqual(KeyHash.Of("abcdefghijk"u8), KeyHash.Of("abcdefghijl"u8));
    }
}
