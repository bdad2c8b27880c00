using FastBroker.Server.Subscriptions;
using static FastBroker.Server.Tests.Subscriptions.QueueStates;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>The scan frontier of a filtered subscription's partition state.</summary>
public sealed class QueueStateScanTests
{
    private const long A = 1;

    [Fact]
    public void Nothing_at_or_above_the_frontier_is_handed_out()
    {
        var state = new QueueState(maxDeliveries: 3, filtered: true);
        Assert.Empty(Take(state, 0, end: 10, max: 10, A));
        Assert.Equal(0, state.Visible(10));

        state.FinishScan(4);

        Assert.Equal([0L, 1L, 2L, 3L], Offsets(Take(state, 0, end: 10, max: 10, A)));
        Assert.Equal(0, state.Visible(10));
    }

    [Fact]
    public void Settled_offsets_are_never_acquired_and_the_floor_passes_them_with_no_receiver()
    {
        var state = new QueueState(maxDeliveries: 3, filtered: true);
        foreach (long offset in new long[] { 0, 1, 3, 4 }) Assert.True(state.SettleUnscanned(offset));
        state.FinishScan(6);

        Assert.Equal((2L, 2L), (state.Floor, state.Next));
        Assert.Equal(2, state.Visible(6));
        Assert.Equal([2L, 5L], Offsets(Take(state, 0, end: 6, max: 10, A)));
        Assert.Equal(2, state.Ack(2, 4));
        Assert.Equal(6, state.Floor);
    }

    [Fact]
    public void An_offset_already_done_is_not_settled_twice()
    {
        var state = new QueueState(maxDeliveries: 3, filtered: true);
        state.RestoreDone(1, deadLettered: false);
        state.FinishRestore();
        Assert.True(state.SettleUnscanned(0));
        Assert.False(state.SettleUnscanned(1));
        Assert.False(state.SettleUnscanned(0));
    }

    [Fact]
    public void An_expired_message_parked_for_the_dead_letter_topic_is_neither_visible_nor_delivered()
    {
        var state = new QueueState(maxDeliveries: 3, filtered: true);
        Assert.True(state.DeadLetterUnscanned(1));
        state.FinishScan(3);

        Assert.Equal([(1L, (ushort)0)], state.ExpiredDeadLetters);
        Assert.Equal(2, state.Visible(3));
        Assert.Equal([0L, 2L], Offsets(Take(state, 0, end: 3, max: 10, A)));
        state.CompleteDeadLetter(1);
        Assert.Equal(2, state.Ack(0, 3));
        Assert.Equal((3L, 1L, 0L), (state.Floor, state.DeadLettered, state.Visible(3)));
    }

    [Fact]
    public void A_scan_never_runs_more_than_the_window_above_the_floor()
    {
        var state = new QueueState(maxDeliveries: 3, floor: 100, filtered: true);
        Assert.Equal(100 + QueueState.MaxWindow, state.ScanEnd(long.MaxValue));
        Assert.Equal(150, state.ScanEnd(150));
    }

    [Fact]
    public void An_unfiltered_state_has_no_frontier()
    {
        var state = new QueueState(maxDeliveries: 3);
        Assert.Equal(10, state.DeliverableEnd(10));
        Assert.Equal(3, Take(state, 0, end: 3, max: 10, A).Count);
    }

    [Fact]
    public void An_expired_delivery_goes_to_the_dead_letter_topic_with_its_earlier_deliveries_only()
    {
        var state = new QueueState(maxDeliveries: 5);
        Take(state, 0, end: 1, max: 1, A);
        Assert.True(state.DeadLetterExpired(0));
        Assert.Equal([(0L, (ushort)0)], state.ExpiredDeadLetters);
        Assert.Equal(0, state.InFlight);
        Assert.False(state.DeadLetterExpired(0));
    }
}
