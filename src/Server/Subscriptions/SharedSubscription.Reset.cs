using FastBroker.Server.Journal;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Subscriptions;

internal sealed partial class SharedSubscription
{
    // Push consumers attached now: a reset is refused while there is one (PROTOCOL.md section 5.25).
    private int _pushConsumers;
    // Guards _durableFloors against the ack log raising them while a reset has lowered them and its rewrite is
    // not durable yet: until then, segments above the new floor must stay.
    private readonly Lock _floorGate = new();
    private bool _floorsHeld;

    /// <summary>A push consumer started delivering from this subscription.</summary>
    public void PushAttached() => Interlocked.Increment(ref _pushConsumers);

    /// <summary>A push consumer of this subscription ended.</summary>
    public void PushDetached() => Interlocked.Decrement(ref _pushConsumers);

    /// <summary>The offset where <paramref name="start"/> falls in a partition: its log end, its log start, an offset
    /// clamped to [start, end], or the first record at or after a time (ListOffsets, PROTOCOL.md section 5.24).</summary>
    /// <exception cref="JournalCorruptedException">Looking up a time crossed a corrupt batch.</exception>
    public static long ResolveStart(PartitionJournal journal, SubscriptionStart start) => start.Kind switch
    {
        SubscriptionStartKind.Earliest => journal.StartOffset,
        SubscriptionStartKind.Offset => Math.Clamp(start.Value, journal.StartOffset, Math.Max(journal.StartOffset, journal.CommittedEndOffset)),
        SubscriptionStartKind.Time => journal.OffsetForTimestamp(start.Value),
        _ => journal.CommittedEndOffset,
    };

    /// <summary>
    /// Moves every partition's position to <paramref name="start"/> (ResetSubscription, PROTOCOL.md section 5.25),
    /// and answers once the new state is durable in the ack log (rewritten as a snapshot). Refused with
    /// <see cref="ErrorCode.SubscriptionBusy"/> while a message is in flight or on its way to the dead-letter topic,
    /// or a push consumer is attached. The caller serialises resets (the set's admin lock).
    /// </summary>
    public async ValueTask<(ErrorCode Code, string Message, PartitionReset[] Partitions)> ResetAsync(SubscriptionStart start)
    {
        if (_closed) return (ErrorCode.UnknownSubscription, $"unknown subscription '{Name}' on topic '{_topic.Name}'", []);
        if (Failure is { } failure) return (ErrorCode.StorageError, failure, []);
        // Resolved before any lock is taken: a time lookup reads the journal. The partitions may grow meanwhile, which
        // changes nothing; retention may raise their start, which the next look at the partition settles as usual.
        var targets = new long[_states.Length];
        for (int p = 0; p < targets.Length; p++)
        {
            if (!_topic.Partitions[p].TryGetJournal(out var journal, out string? why))
                return (ErrorCode.PartitionUnavailable, $"partition {p} of '{_topic.Name}' is unavailable: {why}", []);
            try
            {
                targets[p] = ResolveStart(journal, start);
            }
            catch (Exception ex) when (ex is JournalCorruptedException or IOException or ObjectDisposedException)
            {
                return (ErrorCode.StorageError, $"looking up {start} in partition {p} of '{_topic.Name}' failed: {ex.Message}", []);
            }
        }

        var result = new PartitionReset[_states.Length];
        var completion = new ResetCompletion();
        string? busy = null;
        // Every partition's lock at once, in index order (nothing else holds two): the check and the move are one
        // step for Receive, push and settles, which each take one of these locks.
        int entered = 0;
        try
        {
            for (; entered < _states.Length; entered++) _states[entered].Gate.Enter();
            if (Volatile.Read(ref _pushConsumers) > 0) busy = $"subscription '{Name}' has a push consumer attached; unsubscribe it first";
            for (int p = 0; p < _states.Length && busy is null; p++)
                if (_states[p].Settling) busy = $"subscription '{Name}' has messages in flight or moving to the dead-letter topic (partition {p}); settle them first";
            if (busy is null)
            {
                lock (_floorGate)
                {
                    _floorsHeld = true;
                    for (int p = 0; p < _states.Length; p++)
                        if (targets[p] < Volatile.Read(ref _durableFloors[p])) Volatile.Write(ref _durableFloors[p], targets[p]);
                }
                for (int p = 0; p < _states.Length; p++) result[p] = new PartitionReset(targets[p], _states[p].ResetTo(targets[p]));
                // Queued under the locks: records of settles before the reset are ahead of it, later ones behind.
                if (!_log.TryAppend(new AckLogEntry(AckRecordKind.Rewrite, 0, 0, 0, completion)))
                    completion.SettleFailed(0, ErrorCode.ShuttingDown, "the subscription is closing");
            }
        }
        finally
        {
            for (int p = entered - 1; p >= 0; p--) _states[p].Gate.Exit();
        }
        if (busy is not null) return (ErrorCode.SubscriptionBusy, busy, []);

        long skipped = 0;
        foreach (var partition in result) skipped += partition.Skipped;
        if (skipped > 0) Interlocked.Add(ref _skipped, skipped);
        // Receivers waiting for messages find them at the new position.
        Wake();
        var (code, message) = await completion.Task.ConfigureAwait(false);
        if (code != ErrorCode.None) return (code, message, []);
        SubscriptionsLog.SubscriptionReset(_context.Logger, _topic.Name, Name, start.ToString(), skipped);
        return (ErrorCode.None, "", result);
    }

    // Messages settled without delivery by resets that moved forward, since the broker started.
    private long _skipped;

    /// <summary>Messages a reset skipped (settled without delivery) since the broker started.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    void IAckLogOwner.FloorsRewritten(ReadOnlySpan<long> floors)
    {
        lock (_floorGate)
        {
            _floorsHeld = false;
            for (int i = 0; i < floors.Length; i++) Volatile.Write(ref _durableFloors[i], floors[i]);
        }
    }

    long IAckLogOwner.CurrentFloor(int partition)
    {
        var state = _states[partition];
        lock (state.Gate) return state.Floor;
    }

    private sealed class ResetCompletion : ISettleCompletion
    {
        private readonly TaskCompletionSource<(ErrorCode, string)> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<(ErrorCode, string)> Task => _done.Task;

        public void SettleDurable(uint requestId, Opcode opcode, uint applied) => _done.TrySetResult((ErrorCode.None, ""));

        public void SettleFailed(uint requestId, ErrorCode code, string message) => _done.TrySetResult((code, message));
    }
}
