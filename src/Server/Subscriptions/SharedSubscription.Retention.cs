using FastBroker.Server.Journal;

namespace FastBroker.Server.Subscriptions;

internal sealed partial class SharedSubscription
{
    // Retention may delete a partition's log below messages this subscription has not settled (as SQS drops a
    // message past its retention period, delivered or not). What is gone cannot be delivered: drop it, count it
    // as expired, move the floor to the log start. Called under the partition's Gate; returns how many were dropped.
    private long DropBelowLogStartLocked(int partition, QueueState state, PartitionJournal journal)
    {
        long start = journal.StartOffset;
        if (start <= state.Floor) return 0;
        int inFlight = state.InFlight;
        long floor = state.Floor;
        long dropped = state.DropBelow(start);
        Interlocked.Add(ref _inFlight, state.InFlight - inFlight);
        NoteFloorLocked(partition, state, floor);
        if (dropped > 0)
        {
            Interlocked.Add(ref _expired, dropped);
            SubscriptionsLog.RetentionDropped(_context.Logger, _topic.Name, Name, partition, start, dropped);
        }
        return dropped;
    }
}
