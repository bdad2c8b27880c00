using FastBroker.Server.Subscriptions;
using FastBroker.Wire.Messages.Queues;
using static FastBroker.Server.Tests.Subscriptions.QueueStates;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>A queue state with a key gate, its keys read ahead by hand: offsets 0..7 carry keys a b a b a - c a
/// ('-' has no key).</summary>
public sealed class QueueStateKeyOrderTests
{
    private const long H1 = 1;
    private const long H2 = 2;
    private const ulong KeyA = 101, KeyB = 202, KeyC = 303;
    private static readonly ulong[] Keys = [KeyA, KeyB, KeyA, KeyB, KeyA, KeyHash.NoKey, KeyC, KeyA];

    private static QueueState NewState(int maxDeliveries = 5, int maxHeld = 100)
    {
        var state = new QueueState(maxDeliveries, keys: new KeyGate(maxHeld));
        state.FinishRestore();
        Assert.True(state.Keys!.TryAppendAhead(0, Keys));
        return state;
    }

    [Fact]
    public void Only_the_first_message_of_each_key_goes_out_and_messages_without_a_key_go_freely()
    {
        var state = NewState();
        Assert.Equal([0L, 1L, 5L, 6L], Offsets(Take(state, 0, end: 8, max: 10, H1)));
        Assert.Equal(4, state.Held);
        Assert.Empty(Take(state, 0, end: 8, max: 10, H2));
        Assert.Equal(0, state.Visible(8));
        Assert.False(state.Settling && state.InFlight == 0);
    }

    [Fact]
    public void An_ack_releases_the_next_message_of_the_key_only()
    {
        var state = NewState();
        Take(state, 0, end: 8, max: 10, H1);
        Assert.Equal(1, state.Ack(0, 1));
        Assert.Equal([(2L, 1)], Take(state, 0, end: 8, max: 10, H2));
        Assert.Equal(2, state.Ack(1, 2));
        Assert.Equal([3L, 4L], Offsets(Take(state, 0, end: 8, max: 10, H2)));
        Assert.Equal(1, state.Ack(4, 1));
        Assert.Equal([7L], Offsets(Take(state, 0, end: 8, max: 10, H2)));
    }

    [Fact]
    public void A_nacked_or_timed_out_message_comes_back_before_any_later_one_of_its_key()
    {
        var state = NewState();
        Take(state, 0, end: 8, max: 10, H1);
        Assert.Equal(1, state.Nack(0, 1, H1, delayMs: 0, nowMs: 0));
        Assert.Equal([(0L, 2)], Take(state, 0, end: 8, max: 10, H2));
        // Times out: visible again, and still the only one of key a that may go.
        Assert.Equal([(0L, 3), (1L, 2), (5L, 2), (6L, 2)], Take(state, Visibility, end: 8, max: 10, H1));
        Assert.Equal(1, state.Ack(0, 1));
        Assert.Equal([(2L, 1)], Take(state, Visibility, end: 8, max: 10, H2));
    }

    [Fact]
    public void A_delayed_nack_keeps_the_key_closed_until_the_message_is_acked()
    {
        var state = NewState();
        Take(state, 0, end: 8, max: 10, H1);
        state.Nack(0, 1, H1, delayMs: 500, nowMs: 0);
        Assert.Empty(Take(state, 100, end: 8, max: 10, H2));
        Assert.Equal([(0L, 2)], Take(state, 500, end: 8, max: 10, H2));
    }

    [Fact]
    public void A_dead_lettered_message_releases_its_key_once_its_copy_is_stored()
    {
        var state = NewState(maxDeliveries: 1);
        Take(state, 0, end: 8, max: 10, H1);
        state.Nack(0, 1, H1, delayMs: 0, nowMs: 0);
        Assert.Equal([(0L, 1)], state.DeadLetters);
        Assert.Empty(Take(state, 0, end: 8, max: 10, H2));
        state.CompleteDeadLetter(0);
        Assert.Equal([(2L, 1)], Take(state, 0, end: 8, max: 10, H2));
    }

    [Fact]
    public void Held_messages_cannot_be_acked_before_they_are_delivered()
    {
        var state = NewState();
        Take(state, 0, end: 8, max: 10, H1);
        // 0 and 1 were delivered; 2, released by the ack of 0, was not.
        Assert.Equal(2, state.Ack(0, 3));
        Assert.Equal([2L, 3L], Offsets(Take(state, 0, end: 8, max: 10, H2)));
    }

    [Fact]
    public void Fresh_deliveries_stop_at_the_held_bound()
    {
        var state = NewState(maxHeld: 1);
        // 0 (a) and 1 (b) go, 2 (a) is held: the bound is reached, so 3.. wait.
        Assert.Equal([0L, 1L], Offsets(Take(state, 0, end: 8, max: 10, H1)));
        Assert.Equal(1, state.Held);
        Assert.Equal(1, state.Ack(0, 1));
        // 2 is released; 3 (b) is held behind 1, and the bound stops the rest again.
        Assert.Equal([2L], Offsets(Take(state, 0, end: 8, max: 10, H1)));
        Assert.Equal(1, state.Held);
    }

    [Fact]
    public void Fresh_messages_wait_for_their_keys_to_be_read()
    {
        var state = new QueueState(5, keys: new KeyGate(100));
        state.FinishRestore();
        Assert.Empty(Take(state, 0, end: 8, max: 10, H1));
        state.Keys!.TryAppendAhead(0, Keys.AsSpan(0, 2));
        Assert.Equal([0L, 1L], Offsets(Take(state, 0, end: 8, max: 10, H1)));
    }

    [Fact]
    public void Ack_mode_none_passes_each_key_on_as_it_goes()
    {
        var state = NewState();
        var ranges = new List<DeliveryRange>();
        // Each message is done as it is handed out, so the next of its key finds the key free.
        state.Acquire(0, 8, 10, H1, Visibility, autoAck: true, ranges);
        Assert.Equal([0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L], Offsets(Expand(ranges)));
        Assert.Equal(0, state.Keys!.ActiveKeys);
    }

    [Fact]
    public void A_reset_forgets_every_key()
    {
        var state = NewState();
        Take(state, 0, end: 8, max: 10, H1);
        state.Ack(0, 8);
        state.Release(H1, 0);
        Assert.False(state.Settling);
        state.ResetTo(0);
        Assert.Equal(0, state.Held);
        Assert.Equal(0, state.Keys!.ActiveKeys);
        Assert.True(state.Keys.TryAppendAhead(0, Keys));
        Assert.Equal([0L, 1L, 5L, 6L], Offsets(Take(state, 0, end: 8, max: 10, H2)));
    }

    [Fact]
    public void Dropping_below_the_log_start_releases_the_next_held_message_of_each_key()
    {
        var state = NewState();
        Take(state, 0, end: 8, max: 10, H1);
        state.DropBelow(2);
        Assert.Equal([2L, 3L], Offsets(Take(state, 0, end: 8, max: 10, H2)));
        Assert.Equal(2, state.Held);
    }
}
