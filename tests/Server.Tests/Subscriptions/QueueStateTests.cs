using FastBroker.Server.Subscriptions;
using FastBroker.Wire.Messages.Queues;
using static FastBroker.Server.Tests.Subscriptions.QueueStates;

namespace FastBroker.Server.Tests.Subscriptions;

public sealed class QueueStateTests
{
    private const long A = 1;
    private const long B = 2;

    [Fact]
    public void Acquire_hands_out_fresh_messages_in_offset_order_up_to_max()
    {
        var state = new QueueState(maxDeliveries: 3);
        Assert.Equal([(0L, 1), (1L, 1), (2L, 1)], Take(state, 0, end: 10, max: 3, A));
        Assert.Equal([3L, 4L], Offsets(Take(state, 0, end: 5, max: 10, B)));
        Assert.Empty(Take(state, 0, end: 5, max: 10, A));
        Assert.Equal(5, state.InFlight);
        Assert.Equal(5, state.Next);
        Assert.Equal(0, state.Floor);
        Assert.Equal(5, state.Visible(10));
    }

    [Fact]
    public void Acquire_merges_consecutive_offsets_with_equal_delivery_counts_into_one_range()
    {
        var state = new QueueState(maxDeliveries: 5);
        var ranges = new List<DeliveryRange>();
        state.Acquire(0, 10, 10, A, Visibility, autoAck: false, ranges);
        Assert.Equal([new DeliveryRange(0, 10, 1)], ranges);

        state.Nack(2, 2, A, 0, 0);
        ranges.Clear();
        state.Acquire(0, 12, 10, B, Visibility, autoAck: false, ranges);
        Assert.Equal([new DeliveryRange(2, 2, 2), new DeliveryRange(10, 2, 1)], ranges);
    }

    [Fact]
    public void Ack_applies_once_to_each_delivered_offset_and_ignores_the_rest()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 10, max: 5, A);
        Assert.Equal(1, state.Ack(2, 1));
        Assert.Equal(0, state.Ack(2, 1));
        Assert.Equal(3, state.Ack(0, 4));
        // 5..9 were never delivered, 20 is beyond the end: neither counts.
        Assert.Equal(1, state.Ack(4, 10));
        Assert.Equal(0, state.Ack(20, 3));
        Assert.Equal(0, state.Ack(-5, 3));
        Assert.Equal(0, state.InFlight);
        Assert.Equal(5, state.Floor);
        Assert.Equal([5L, 6L, 7L], Offsets(Take(state, 0, end: 8, max: 10, B)));
    }

    [Fact]
    public void Ack_reports_only_the_runs_it_applied_to()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 10, max: 6, A);
        state.Ack(1, 1);
        // 1 is acked already and 6..9 were never delivered: logging them as acked would lose them at a restart.
        var runs = new List<(long, int)>();
        Assert.Equal(5, state.Ack(0, 10, runs, static (list, first, count) => list.Add((first, count))));
        Assert.Equal([(0L, 1), (2L, 4)], runs);
    }

    [Fact]
    public void Ack_never_reports_a_message_being_dead_lettered()
    {
        var state = new QueueState(maxDeliveries: 1);
        Take(state, 0, end: 3, max: 3, A);
        state.Nack(1, 1, A, 0, 0);
        Assert.Equal([(1L, (ushort)1)], state.DeadLetters);
        var runs = new List<(long, int)>();
        Assert.Equal(2, state.Ack(0, 3, runs, static (list, first, count) => list.Add((first, count))));
        Assert.Equal([(0L, 1), (2L, 1)], runs);
    }

    [Fact]
    public void Ack_counts_a_late_ack_after_the_lease_timed_out()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 2, max: 2, A);
        state.Expire(Visibility);
        Assert.Equal(0, state.InFlight);
        Assert.Equal(2, state.ReadyCount);
        Assert.Equal(2, state.Ack(0, 2));
        Assert.Equal(0, state.ReadyCount);
        Assert.Equal(2, state.Floor);
        Assert.Empty(Take(state, Visibility, end: 2, max: 10, B));
    }

    [Fact]
    public void Ack_of_a_message_redelivered_to_another_consumer_applies_whoever_holds_it()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 1, max: 1, A);
        Take(state, Visibility, end: 1, max: 1, B);
        Assert.Equal(1, state.Ack(0, 1));
        Assert.Equal(0, state.InFlight);
        Assert.Equal(1, state.Floor);
    }

    [Fact]
    public void Nack_by_a_consumer_that_does_not_hold_the_message_is_ignored()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 3, max: 3, A);
        Assert.Equal(0, state.Nack(0, 3, B, delayMs: 0, nowMs: 10));
        Assert.Equal(3, state.InFlight);
        Assert.Equal(0, state.ReadyCount);
        Assert.Empty(state.Failures);
    }

    [Fact]
    public void Nack_now_redelivers_before_fresh_messages_with_one_more_delivery()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 10, max: 4, A);
        Assert.Equal(2, state.Nack(1, 2, A, delayMs: 0, nowMs: 5));
        Assert.Equal(2, state.InFlight);
        Assert.Equal(2, state.ReadyCount);
        Assert.Equal([(1L, 1), (2L, 1)], state.Failures);
        Assert.Equal([(1L, 2), (2L, 2), (4L, 1)], Take(state, 6, end: 10, max: 3, B));
    }

    [Fact]
    public void Nack_with_a_delay_keeps_the_message_delayed_until_it_is_due()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 1, max: 1, A);
        Assert.Equal(1, state.Nack(0, 1, A, delayMs: 500, nowMs: 100));
        Assert.Equal(1, state.Delayed);
        Assert.Equal(600, state.NextDueMs);
        Assert.Equal(0, state.Visible(1));
        Assert.Empty(Take(state, 599, end: 1, max: 1, B));

        state.Expire(600);
        Assert.Equal(0, state.Delayed);
        Assert.Equal(1, state.ReadyCount);
        Assert.Equal([(0L, 2)], Take(state, 600, end: 1, max: 1, B));
    }

    [Fact]
    public void Ack_of_a_delayed_message_makes_it_done()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 1, max: 1, A);
        state.Nack(0, 1, A, delayMs: 500, nowMs: 0);
        Assert.Equal(1, state.Ack(0, 1));
        Assert.Equal(0, state.Delayed);
        Assert.Equal(1, state.Floor);
        state.Expire(10_000);
        Assert.Equal(0, state.ReadyCount);
    }

    [Fact]
    public void Extend_moves_the_deadline_for_the_holder_only()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 2, max: 2, A);
        Assert.Equal(0, state.Extend(0, 2, B, visibilityMs: 5000, nowMs: 500));
        Assert.Equal(1, state.Extend(0, 1, A, visibilityMs: 5000, nowMs: 500));

        state.Expire(Visibility);
        Assert.Equal(1, state.InFlight);
        Assert.Equal([(1L, 2)], Take(state, Visibility, end: 2, max: 2, B, visibility: 100_000));

        state.Expire(5499);
        Assert.Equal(2, state.InFlight);
        state.Expire(5500);
        Assert.Equal(1, state.InFlight);
        Assert.Equal([(0L, 2)], Take(state, 5500, end: 2, max: 2, B));
    }

    [Fact]
    public void Extend_can_shorten_a_lease()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 1, max: 1, A, visibility: 10_000);
        Assert.Equal(1, state.Extend(0, 1, A, visibilityMs: 100, nowMs: 0));
        state.Expire(100);
        Assert.Equal(1, state.ReadyCount);
    }

    [Fact]
    public void Release_makes_only_that_holders_messages_visible()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 2, max: 2, A);
        Take(state, 0, end: 4, max: 2, B);
        Take(state, 0, end: 5, max: 1, A);
        Assert.Equal(3, state.Release(A, nowMs: 50));
        Assert.Equal(2, state.InFlight);
        Assert.Equal(3, state.ReadyCount);
        Assert.Equal([(0L, 2), (1L, 2), (4L, 2)], Take(state, 50, end: 5, max: 10, B));
        Assert.Equal(0, state.Release(A, nowMs: 50));
    }

    [Fact]
    public void A_lease_past_its_visibility_timeout_makes_the_message_visible_again()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 1, max: 1, A);
        Assert.Equal(Visibility, state.NextDueMs);
        state.Expire(Visibility - 1);
        Assert.Equal(1, state.InFlight);
        Assert.Empty(Take(state, Visibility - 1, end: 1, max: 1, B));
        // Acquire applies due deadlines itself.
        Assert.Equal([(0L, 2)], Take(state, Visibility, end: 1, max: 1, B));
        Assert.Equal([(0L, 1)], state.Failures);
    }

    [Fact]
    public void After_max_deliveries_a_message_goes_to_the_dead_letter_list_and_is_not_redelivered()
    {
        var state = new QueueState(maxDeliveries: 2);
        Take(state, 0, end: 2, max: 2, A);
        state.Ack(1, 1);
        Assert.Equal([(0L, 2)], Take(state, Visibility, end: 2, max: 2, A));
        Assert.Equal(1, state.Nack(0, 1, A, delayMs: 0, nowMs: Visibility + 1));

        Assert.Equal([(0L, (ushort)2)], state.DeadLetters);
        Assert.Equal([(0L, (ushort)1), (0L, (ushort)2)], state.Failures);
        Assert.Equal(0, state.InFlight);
        Assert.Equal(0, state.ReadyCount);
        Assert.Equal(0, state.Visible(2));
        Assert.Empty(Take(state, 10 * Visibility, end: 2, max: 2, B));
        // Being moved: neither an ack nor the floor passes it.
        Assert.Equal(0, state.Ack(0, 1));
        Assert.Equal(0, state.Floor);
        Assert.Equal(0, state.DeadLettered);

        state.CompleteDeadLetter(0);
        Assert.Equal(1, state.DeadLettered);
        Assert.Equal(2, state.Floor);
        state.CompleteDeadLetter(0);
        Assert.Equal(1, state.DeadLettered);
    }

    [Fact]
    public void A_timed_out_last_delivery_is_dead_lettered_too()
    {
        var state = new QueueState(maxDeliveries: 1);
        Take(state, 0, end: 1, max: 1, A);
        state.Expire(Visibility);
        Assert.Equal([(0L, (ushort)1)], state.DeadLetters);
        Assert.Equal(0, state.Visible(1));
    }

    [Fact]
    public void Floor_advances_only_over_contiguous_done_offsets()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 6, max: 6, A);
        state.Ack(1, 2);
        Assert.Equal(0, state.Floor);
        state.Ack(4, 1);
        Assert.Equal(0, state.Floor);
        state.Ack(0, 1);
        Assert.Equal(3, state.Floor);
        state.Ack(3, 1);
        Assert.Equal(5, state.Floor);
        state.Ack(5, 1);
        Assert.Equal(6, state.Floor);
        // Never above what was delivered, though more is published.
        Assert.Equal(6, state.Next);
    }

    [Fact]
    public void Fresh_delivery_stops_at_the_window_above_the_oldest_message_not_done()
    {
        var state = new QueueState(maxDeliveries: 3);
        long end = QueueState.MaxWindow + 10;
        Take(state, 0, end, 1, A);
        // Auto-acked deliveries keep no leases, so the window fills cheaply behind the one message in flight.
        var ranges = new List<DeliveryRange>();
        Assert.Equal((int)QueueState.MaxWindow - 1, state.Acquire(0, end, int.MaxValue, A, Visibility, autoAck: true, ranges));
        Assert.Equal(0, state.Floor);
        Assert.Empty(Take(state, 0, end, 10, B));

        state.Ack(0, 1);
        Assert.Equal(QueueState.MaxWindow, state.Floor);
        Assert.Equal([QueueState.MaxWindow, QueueState.MaxWindow + 1, QueueState.MaxWindow + 2], Offsets(Take(state, 0, end, 3, B)));
    }

    [Fact]
    public void Auto_ack_delivers_and_finishes_at_once()
    {
        var state = new QueueState(maxDeliveries: 3);
        var ranges = new List<DeliveryRange>();
        Assert.Equal(4, state.Acquire(0, 4, 10, A, Visibility, autoAck: true, ranges));
        Assert.Equal(0, state.InFlight);
        Assert.Equal(4, state.Floor);
        state.Expire(10 * Visibility);
        Assert.Empty(Take(state, 10 * Visibility, end: 4, max: 10, B));
    }

    [Fact]
    public void Unacquire_makes_the_message_visible_again_without_counting_the_delivery()
    {
        var state = new QueueState(maxDeliveries: 3);
        Take(state, 0, end: 3, max: 3, A);
        state.Unacquire(1);
        state.Unacquire(1);
        Assert.Equal(2, state.InFlight);
        Assert.Equal(1, state.ReadyCount);
        Assert.Empty(state.Failures);
        Assert.Equal([(1L, 1), (3L, 1)], Take(state, 0, end: 4, max: 2, B));
    }
}
