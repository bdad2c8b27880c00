using FastBroker.Server.Subscriptions;
using static FastBroker.Server.Tests.Subscriptions.QueueStates;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>Deferred messages in <see cref="QueueState"/> (QueueState.Delay.cs): held and spilled, the floor, retention, reset.</summary>
public sealed class QueueStateDelayTests
{
    private const long A = 1;

    // Takes offsets [0, count) and defers offset i until dues[i].
    private static QueueState Deferred(int maxHeld, params long[] dues)
    {
        var state = new QueueState(maxDeliveries: 5, maxHeldDelays: maxHeld);
        Assert.Equal(dues.Length, Take(state, 0, end: dues.Length, max: dues.Length, A).Count);
        for (int i = 0; i < dues.Length; i++) Assert.True(state.Defer(i, dues[i]));
        return state;
    }

    [Fact]
    public void A_deferred_message_is_neither_in_flight_nor_visible_and_holds_the_floor()
    {
        var state = Deferred(maxHeld: 10, 500, 100);
        Assert.Equal((0, 0L, 2L), (state.InFlight, state.Visible(2), state.DelayedTotal));
        Assert.Equal(0, state.Floor);
        Assert.Equal(100, state.EarliestDeliveryMs);
        Assert.Empty(Take(state, 99, end: 2, max: 10, A));

        // Due: visible again with its delivery uncounted.
        Assert.Equal([(1L, 1)], Take(state, 100, end: 2, max: 10, A));
        Assert.Equal(1, state.DelayedTotal);
    }

    [Fact]
    public void Beyond_the_cap_the_later_ones_are_spilled_and_counted_and_never_due_before_a_held_one()
    {
        var state = Deferred(maxHeld: 2, 400, 300, 200, 100);
        Assert.Equal((4L, 2L), (state.DelayedTotal, state.SpilledDelays));
        Assert.False(state.RescanDue);
        // The two earliest are held; when the heap empties, the same acquisition reads the spilled ones again.
        Assert.Equal([(3L, 1)], Take(state, 100, end: 4, max: 10, A));
        Assert.False(state.RescanDue);
        Assert.Equal([(0L, 1), (1L, 1), (2L, 1)], Take(state, 200, end: 4, max: 10, A));
        Assert.Equal(0, state.SpilledDelays);
        // The delivery finds 0 and 1 still early and defers them again, held this time.
        Assert.True(state.Defer(0, 400));
        Assert.True(state.Defer(1, 300));
        Assert.Equal((2L, 0L), (state.DelayedTotal, state.SpilledDelays));
        Assert.Equal([(1L, 1)], Take(state, 300, end: 4, max: 10, A));
        Assert.Equal([(0L, 1)], Take(state, 400, end: 4, max: 10, A));
    }

    [Fact]
    public void A_deferral_due_after_a_spilled_message_is_not_held()
    {
        var state = Deferred(maxHeld: 2, 100, 200, 300);
        Assert.Equal(1, state.SpilledDelays);
        // Offset 3, due after the spilled offset 2 (300): held, it would come out before 2 is read again.
        Assert.Single(Take(state, 0, end: 4, max: 10, A));
        Assert.True(state.Defer(3, 350));
        Assert.Equal(2, state.SpilledDelays);
        // One due before it is held (the latest held leaves).
        Assert.Single(Take(state, 0, end: 5, max: 10, A));
        Assert.True(state.Defer(4, 150));
        Assert.Equal(3, state.SpilledDelays);
        Assert.Equal([(0L, 1)], Take(state, 100, end: 5, max: 10, A));
        // The heap empties at 150: the spilled ones are read again with it.
        Assert.Equal([1L, 2L, 3L, 4L], Offsets(Take(state, 150, end: 5, max: 10, A)));
    }

    [Fact]
    public void Retention_drops_held_and_spilled_delayed_messages_below_the_log_start()
    {
        var state = Deferred(maxHeld: 1, 100, 200, 300, 400);
        Assert.Equal(3, state.SpilledDelays);
        Assert.Equal(3, state.DropBelow(3));
        Assert.Equal((1L, 1L, 3L), (state.DelayedTotal, state.SpilledDelays, state.Floor));
        // The held one is gone: a rescan reads the one left again, and the delivery defers it once more.
        Assert.True(state.RescanDue);
        Assert.Equal([(3L, 1)], Take(state, 300, end: 4, max: 10, A));
        Assert.True(state.Defer(3, 400));
        Assert.Empty(Take(state, 399, end: 4, max: 10, A));
        Assert.Equal([(3L, 1)], Take(state, 400, end: 4, max: 10, A));
        Assert.Equal(0, state.DelayedTotal);
    }

    [Fact]
    public void A_reset_forgets_every_delayed_message()
    {
        var state = Deferred(maxHeld: 1, 100, 200);
        state.ResetTo(0);
        Assert.Equal((0L, 0L, long.MaxValue), (state.DelayedTotal, state.SpilledDelays, state.EarliestDeliveryMs));
        Assert.Equal([0L, 1L], Offsets(Take(state, 0, end: 2, max: 10, A)));
    }
}
