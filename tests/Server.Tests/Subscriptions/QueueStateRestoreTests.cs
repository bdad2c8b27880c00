using FastBroker.Server.Subscriptions;
using static FastBroker.Server.Tests.Subscriptions.QueueStates;

namespace FastBroker.Server.Tests.Subscriptions;

public sealed class QueueStateRestoreTests
{
    private const long A = 1;

    [Fact]
    public void After_a_restart_the_floor_passes_done_offsets_that_fresh_delivery_skips()
    {
        var state = new QueueState(maxDeliveries: 5);
        state.RestoreDone(1, deadLettered: false);
        state.RestoreDone(2, deadLettered: false);
        state.FinishRestore();
        Assert.Equal([0L], Offsets(Take(state, 0, end: 5, max: 1, A)));
        state.Ack(0, 1);
        Assert.Equal(1, state.Floor);
        Assert.Equal([3L], Offsets(Take(state, 0, end: 5, max: 1, A)));
        Assert.Equal(3, state.Floor);
    }

    [Fact]
    public void Restore_skips_acked_offsets_and_continues_remembered_delivery_counts()
    {
        var state = new QueueState(maxDeliveries: 5);
        state.RestoreDone(0, deadLettered: false);
        state.RestoreDone(1, deadLettered: false);
        state.RestoreDeliveries(2, 2);
        state.RestoreDeliveries(2, 1);
        state.RestoreDone(3, deadLettered: true);
        state.RestoreDeliveries(4, 1);
        state.RestoreDone(4, deadLettered: false);
        state.RestoreDone(6, deadLettered: false);
        state.FinishRestore();

        Assert.Equal(2, state.Floor);
        Assert.Equal(1, state.DeadLettered);
        Assert.Equal(3, state.Visible(8));
        Assert.Equal([(2L, 3), (5L, 1), (7L, 1)], Take(state, 0, end: 8, max: 10, A));
        Assert.Equal(3, state.Ack(0, 8));
        Assert.Equal(8, state.Floor);
    }

    [Fact]
    public void Restore_from_a_snapshot_floor_far_above_zero_resumes_there()
    {
        var state = new QueueState(maxDeliveries: 5);
        state.RestoreFloor(100_000, deadLettered: 7);
        state.RestoreDone(100_001, deadLettered: false);
        state.RestoreDeliveries(100_002, 3);
        state.RestoreDeliveries(99_000, 3);
        state.FinishRestore();

        Assert.Equal(100_000, state.Floor);
        Assert.Equal(7, state.DeadLettered);
        Assert.Equal([(100_000L, 1), (100_002L, 4), (100_003L, 1)], Take(state, 0, end: 100_004, max: 10, A));
        Assert.Equal(3, state.Ack(100_000, 4));
        Assert.Equal(100_004, state.Floor);
    }

    [Fact]
    public void Snapshot_visitors_report_done_runs_and_failed_delivery_counts()
    {
        var state = new QueueState(maxDeliveries: 5);
        Take(state, 0, end: 6, max: 6, A);
        state.Ack(0, 1);
        state.Ack(2, 2);
        state.Nack(4, 1, A, 0, 0);
        Take(state, 0, end: 6, max: 1, A);

        var runs = new List<(long, long)>();
        state.VisitDoneRuns(runs, static (list, first, count) => list.Add((first, count)));
        Assert.Equal([(2L, 2L)], runs);

        // Offset 4 is in flight for the second time: one failed delivery so far. The rest never failed.
        var deliveries = new List<(long, ushort)>();
        state.VisitDeliveries(deliveries, static (list, offset, n) => list.Add((offset, n)));
        Assert.Equal([(4L, (ushort)1)], deliveries);
    }
}
