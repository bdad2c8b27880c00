using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Subscriptions;

internal sealed partial class SharedSubscription
{
    /// <summary>Acks a range (any holder). The log record is queued under the partition lock, so the log's floor
    /// capture never sees an ack that is not queued yet. Call <see cref="CompleteWhenDurable"/> after the last range.</summary>
    public int Ack(in OffsetRange range)
    {
        var state = _states[range.Partition];
        int applied;
        lock (state.Gate)
        {
            int before = state.InFlight;
            long floor = state.Floor;
            applied = state.Ack(range.First, range.Count, (_log, range.Partition), LogAckRun);
            Interlocked.Add(ref _inFlight, state.InFlight - before);
            NoteFloorLocked(range.Partition, state, floor);
        }
        if (applied > 0)
        {
            Interlocked.Add(ref _acked, applied);
            Wake();
        }
        return applied;
    }

    // Only the offsets an ack applied to are logged: replay marks every logged offset done.
    private static readonly Action<(AckLog Log, int Partition), long, int> LogAckRun =
        static (s, first, count) => s.Log.TryAppend(new AckLogEntry(AckRecordKind.Ack, s.Partition, first, count));

    /// <summary>Answers <paramref name="completion"/> once everything queued to the log so far is durable.</summary>
    public void CompleteWhenDurable(ISettleCompletion completion, uint requestId, Opcode opcode, int applied)
    {
        if (!_log.TryAppend(new AckLogEntry(AckRecordKind.Marker, 0, applied, 0, completion, requestId, opcode)))
            completion.SettleFailed(requestId, ErrorCode.ShuttingDown, "the subscription is closing");
    }

    /// <summary>Nacks a range held by <paramref name="holder"/>: visible again after <paramref name="delayMs"/>.</summary>
    public int Nack(in OffsetRange range, long holder, long delayMs)
    {
        var state = _states[range.Partition];
        int applied;
        lock (state.Gate)
        {
            int before = state.InFlight;
            applied = state.Nack(range.First, range.Count, holder, delayMs, NowMs);
            Interlocked.Add(ref _inFlight, state.InFlight - before);
            DrainLocked(range.Partition, state);
        }
        if (applied > 0) Wake();
        return applied;
    }

    /// <summary>Extends the visibility of a range held by <paramref name="holder"/>.</summary>
    public int Extend(in OffsetRange range, long holder, long visibilityMs)
    {
        var state = _states[range.Partition];
        lock (state.Gate) return state.Extend(range.First, range.Count, holder, visibilityMs, NowMs);
    }

    /// <summary>Everything in flight to <paramref name="holder"/> becomes visible now (its connection closed).</summary>
    public void Release(long holder)
    {
        if (_closed) return;
        long now = NowMs;
        int released = 0;
        for (int p = 0; p < _states.Length; p++)
        {
            var state = _states[p];
            lock (state.Gate)
            {
                int before = state.InFlight;
                released += state.Release(holder, now);
                Interlocked.Add(ref _inFlight, state.InFlight - before);
                DrainLocked(p, state);
            }
        }
        if (released > 0) Wake();
    }

    /// <summary>
    /// Waits until something may be deliverable: a commit on any partition, a message visible again, room under
    /// max in flight, or the next lease deadline; at most until <paramref name="deadline"/>. Spurious wake-ups are
    /// fine: callers try again and wait again.
    /// </summary>
    public async Task WaitAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _signal);
        signal.AddWaiter();
        var tasks = new Task[_states.Length + 2];
        for (int p = 0; p < _states.Length; p++)
        {
            var appended = _topic.Partitions[p].Signal;
            appended.AddWaiter();
            tasks[p] = appended.Task;
        }
        if (HasDeliverable()) return;

        long now = NowMs;
        long wakeAt = Math.Min(deadline.ToUnixTimeMilliseconds(), NextDueMs());
        if (wakeAt <= now) return;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        tasks[^2] = signal.Task;
        tasks[^1] = Task.Delay(TimeSpan.FromMilliseconds(wakeAt - now), _context.Time, stop.Token);
        await Task.WhenAny(tasks).ConfigureAwait(false);
        stop.Cancel();
    }

    private bool HasDeliverable()
    {
        if (_closed) return true;
        if (Settings.AckMode == AckMode.Explicit && Volatile.Read(ref _inFlight) >= Settings.MaxInFlight) return false;
        long now = NowMs;
        for (int p = 0; p < _states.Length; p++)
        {
            if (!_topic.Partitions[p].TryGetJournal(out var journal, out _)) continue;
            long end = journal.CommittedEndOffset;
            var state = _states[p];
            lock (state.Gate)
            {
                if (state.ReadyCount > 0 || state.NextDueMs <= now || state.RescanDue) return true;
                if (state.Next < state.DeliverableEnd(end) && state.Next - state.Floor < QueueState.MaxWindow) return true;
                // A filtered subscription's receive scans what is committed and not judged yet.
                if (state.Filtered && state.Scanned < state.ScanEnd(end) && !_scanner.IsScanning(p)) return true;
            }
        }
        return false;
    }

    private long NextDueMs()
    {
        long due = long.MaxValue;
        foreach (var state in _states)
            lock (state.Gate) due = Math.Min(due, state.NextDueMs);
        return due;
    }
}
