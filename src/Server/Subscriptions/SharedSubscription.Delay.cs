using FastBroker.Wire.Records;

namespace FastBroker.Server.Subscriptions;

/// <summary>
/// Delayed delivery (PROTOCOL.md section 6.7): a message taken for delivery whose <c>fb-deliver-at</c> time has not
/// come is cut out of the delivery like an expired one and deferred in its partition's state (QueueState.Delay.cs).
/// One timer per subscription, armed for the earliest delayed message held, makes due ones visible and wakes
/// waiting receivers; no timer per message.
/// </summary>
internal sealed partial class SharedSubscription
{
    // The delayed messages found by the delivery being built (offset order), on the connection's receive thread.
    [ThreadStatic] private static List<(long Offset, long DueMs)>? t_deferred;

    private readonly Lock _delayTimerGate = new();
    private ITimer? _delayTimer;
    // When the timer fires next, or long.MaxValue while it is not armed.
    private long _delayTimerDueMs = long.MaxValue;

    private static void ClearDeferred() => t_deferred?.Clear();

    // A record whose delivery time is after now waits for it, or for its expiry when that comes first (it is then
    // expired, never delivered). Records the offset for DeferCut.
    private static bool NotDueYet(in Record record, long now)
    {
        if (!MessageDeliveryTime.IsDelayed(record, now, out long due)) return false;
        if (MessageExpiry.TryGetExpiry(record, out long expiresAt) && expiresAt < due) due = expiresAt;
        (t_deferred ??= new List<(long, long)>(64)).Add((record.Offset, due));
        return true;
    }

    // Defers the delayed offsets among `cut` (the offsets DropExpired cut out, in order) and leaves the expired ones
    // in it. Returns how many were deferred.
    private int DeferCut(int partition, List<long> cut)
    {
        var deferred = t_deferred;
        if (deferred is null || deferred.Count == 0) return 0;
        int kept = 0, d = 0;
        for (int i = 0; i < cut.Count; i++)
        {
            if (d < deferred.Count && deferred[d].Offset == cut[i])
            {
                d++;
                continue;
            }
            cut[kept++] = cut[i];
        }
        cut.RemoveRange(kept, cut.Count - kept);

        var state = _states[partition];
        int applied = 0;
        long earliest;
        lock (state.Gate)
        {
            int before = state.InFlight;
            foreach (var (offset, due) in deferred)
                if (state.Defer(offset, due)) applied++;
            Interlocked.Add(ref _inFlight, state.InFlight - before);
            earliest = state.EarliestDeliveryMs;
        }
        deferred.Clear();
        if (earliest != long.MaxValue) ArmDelayTimer(earliest);
        return applied;
    }

    // Arms the timer for `dueMs` unless it fires earlier already.
    private void ArmDelayTimer(long dueMs)
    {
        lock (_delayTimerGate)
        {
            if (_closed || dueMs >= _delayTimerDueMs) return;
            _delayTimerDueMs = dueMs;
            _delayTimer ??= _context.Time.CreateTimer(static s => ((SharedSubscription)s!).DelayTimerFired(), this,
                Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            // At least a millisecond: a timer due now may run its callback inside Change, under this lock.
            _delayTimer.Change(TimeSpan.FromMilliseconds(Math.Max(1, dueMs - NowMs)), Timeout.InfiniteTimeSpan);
        }
    }

    private void DelayTimerFired()
    {
        lock (_delayTimerGate) _delayTimerDueMs = long.MaxValue;
        if (_closed) return;
        long now = NowMs;
        long next = long.MaxValue;
        bool woke = false;
        for (int p = 0; p < _states.Length; p++)
        {
            var state = _states[p];
            lock (state.Gate)
            {
                int before = state.InFlight;
                int ready = state.ReadyCount;
                state.Expire(now);
                Interlocked.Add(ref _inFlight, state.InFlight - before);
                woke |= state.ReadyCount > ready || state.DeadLetters.Count > 0;
                DrainLocked(p, state);
                next = Math.Min(next, state.EarliestDeliveryMs);
            }
        }
        if (woke) Wake();
        if (next != long.MaxValue) ArmDelayTimer(next);
    }

    private async ValueTask DisposeDelayTimerAsync()
    {
        ITimer? timer;
        lock (_delayTimerGate)
        {
            timer = _delayTimer;
            _delayTimer = null;
        }
        if (timer is not null) await timer.DisposeAsync().ConfigureAwait(false);
    }
}
