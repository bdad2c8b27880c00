namespace FastBroker.Server.Subscriptions;

/// <summary>
/// Delayed delivery (PROTOCOL.md section 6.7). A message taken for delivery whose <c>fb-deliver-at</c> time has not
/// come is deferred: its delivery is uncounted and it waits, at most <see cref="MaxHeldDelays"/> of them held in memory
/// (a <see cref="DelayQueue"/> plus a <see cref="LeaseState.Delayed"/> lease each), the earliest ones. The others are
/// "unheld": below <see cref="Next"/>, not done and without a lease — a state no other message is in — and only
/// counted. When the held ones leave room, the unheld ones are found again by walking from the lowest of them and
/// are read again (as visible messages: the delivery defers each one again, held this time, unless it is due).
/// Nothing is lost and nothing is written: the journal keeps them and the floor cannot pass them.
/// </summary>
internal sealed partial class QueueState
{
    /// <summary>Default for <see cref="MaxHeldDelays"/>: 64 Ki entries of 16 bytes in the heap plus a lease each.</summary>
    public const int DefaultMaxHeldDelays = 65_536;

    // Offsets one acquisition walks at most looking for unheld delayed messages, so one receive's critical section
    // stays short however sparse they are; the next acquisition goes on from there.
    private const int MaxRescanSteps = 65_536;

    private DelayQueue? _delays;
    private long _unheldDelays;
    // No unheld delayed message is below this offset.
    private long _rescanFrom = long.MaxValue;

    /// <summary>Most delayed messages kept in memory per partition.</summary>
    public int MaxHeldDelays { get; }

    /// <summary>Delayed messages not held in memory, to be read again from the journal once there is room.</summary>
    public long UnheldDelays => _unheldDelays;

    /// <summary>Every delayed message: nacked with a delay, or waiting for its delivery time (held or not).</summary>
    public long DelayedTotal => Delayed + _unheldDelays;

    /// <summary>The earliest delivery time of a held delayed message (possibly one acked since), or <see cref="long.MaxValue"/>.</summary>
    public long EarliestDeliveryMs => _delays?.EarliestDueMs ?? long.MaxValue;

    /// <summary>
    /// A message just acquired has a delivery time after now: it waits until <paramref name="dueMs"/>, its delivery
    /// uncounted, held in memory if it is among the <see cref="MaxHeldDelays"/> earliest. False when it is not in flight.
    /// </summary>
    public bool Defer(long offset, long dueMs)
    {
        if (!_leases.TryGetValue(offset, out var lease) || lease.State != LeaseState.InFlight) return false;
        InFlight--;
        ushort deliveries = (ushort)(lease.Deliveries - 1);
        _delays ??= new DelayQueue(MaxHeldDelays);
        if (_delays.TryAddKeepingEarliest(dueMs, offset, out long evicted, out long evictedDue))
        {
            _leases[offset] = new Lease(LeaseState.Delayed, deliveries, 0, dueMs);
            Delayed++;
            return true;
        }
        if (evicted == offset)
        {
            _leases.Remove(offset);
            Unhold(offset, deliveries);
            return true;
        }
        _leases[offset] = new Lease(LeaseState.Delayed, deliveries, 0, dueMs);
        Delayed++;
        // An entry acked since (or dropped) left no lease: nothing to remember.
        if (_leases.TryGetValue(evicted, out var pushedOut) && pushedOut.State == LeaseState.Delayed && pushedOut.DueMs == evictedDue)
        {
            _leases.Remove(evicted);
            Delayed--;
            Unhold(evicted, pushedOut.Deliveries);
        }
        return true;
    }

    private void Unhold(long offset, ushort deliveries)
    {
        if (deliveries > 0) _pastDeliveries[offset] = deliveries;
        _unheldDelays++;
        if (offset < _rescanFrom) _rescanFrom = offset;
    }

    // Part of Expire: held delayed messages whose time has come are visible.
    private void ReleaseDueDelays(long nowMs)
    {
        if (_delays is null) return;
        while (_delays.TryTakeDue(nowMs, out long due, out long offset))
        {
            if (!_leases.TryGetValue(offset, out var lease) || lease.State != LeaseState.Delayed || lease.DueMs != due) continue;
            Delayed--;
            MakeReady(offset, lease);
        }
    }

    // Part of Acquire: while the heap has room, unheld delayed messages become visible again so the delivery reads
    // them and defers them (now held) or delivers them (due). At most `max` of them, as one receive reads at most that.
    private void RefillUnheld(int max)
    {
        if (_unheldDelays == 0) return;
        int room = Math.Min(max, MaxHeldDelays - (_delays?.Count ?? 0));
        long stop = Math.Min(Next, _rescanFrom + MaxRescanSteps);
        if (_rescanFrom < Floor) _rescanFrom = Floor;
        while (room > 0 && _unheldDelays > 0 && _rescanFrom < stop)
        {
            long offset = _rescanFrom++;
            if (_done.IsSet(offset) || _leases.ContainsKey(offset)) continue;
            _unheldDelays--;
            room--;
            _pastDeliveries.Remove(offset, out ushort past);
            MakeReady(offset, new Lease(LeaseState.Ready, past, 0, 0));
        }
        if (_unheldDelays == 0) _rescanFrom = long.MaxValue;
    }

    // Part of DropBelow, before the leases below `start` go: unheld delayed messages below it are dropped (counted
    // by the caller with the others), held ones leave the heap. Walks [floor, start) only when some are unheld.
    private long DropDelaysBelow(long start)
    {
        _delays?.RemoveBelow(start);
        if (_unheldDelays == 0) return 0;
        long dropped = 0;
        long end = Math.Min(start, Next);
        for (long offset = Math.Max(Floor, _rescanFrom); offset < end && _unheldDelays > 0; offset++)
        {
            if (_done.IsSet(offset) || _leases.ContainsKey(offset)) continue;
            _unheldDelays--;
            dropped++;
        }
        _rescanFrom = _unheldDelays == 0 ? long.MaxValue : Math.Max(_rescanFrom, start);
        return dropped;
    }

    // Part of ResetTo.
    private void ClearDelays()
    {
        _delays?.Clear();
        _unheldDelays = 0;
        _rescanFrom = long.MaxValue;
    }
}
