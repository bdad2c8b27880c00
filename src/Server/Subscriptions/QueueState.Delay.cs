namespace FastBroker.Server.Subscriptions;

/// <summary>
/// Delayed delivery (PROTOCOL.md section 6.7). A message taken for delivery whose <c>fb-deliver-at</c> time has not
/// come is deferred: its delivery is uncounted and it waits, at most <see cref="MaxDelaysInMemory"/> of them held in memory
/// (a <see cref="DelayQueue"/> plus a <see cref="LeaseState.Delayed"/> lease each). The others are "spilled": below
/// <see cref="Next"/>, not done and without a lease — a state no other message is in — and only counted.
/// </summary>
/// <remarks>
/// The held ones are always the earliest: a spilled message is never due before a held one (a deferral due later
/// than the earliest spilled one is not held either, and a full heap pushes out its latest). So nothing spilled can be
/// due while the heap still holds messages; once it is empty, a rescan pass reads every spilled message again from
/// the journal (made visible, a few per acquisition; the delivery defers each again, keeping the earliest) and the
/// heap holds the next earliest ones. Cost beyond the cap: each time the heap drains, the spilled messages are read
/// once more. Nothing is written and nothing is lost: the journal keeps them and the floor cannot pass them.
/// </remarks>
internal sealed partial class QueueState
{
    /// <summary>Default for <see cref="MaxDelaysInMemory"/>: 64 Ki entries of 16 bytes in the heap plus a lease each.</summary>
    public const int DefaultMaxDelaysInMemory = 65_536;

    // Offsets one acquisition walks at most in a rescan pass, so one receive's critical section stays short however
    // sparse the spilled messages are; the next acquisition goes on from there.
    private const int MaxRescanSteps = 65_536;

    private DelayQueue? _delays;
    private long _spilledDelays;
    // No spilled message is below this offset, nor due before this time (both long.MaxValue when there is none).
    private long _lowestSpilled = long.MaxValue;
    private long _spilledDueFloorMs = long.MaxValue;
    // The rescan pass under way: the next offset it looks at, and where it ends (equal when there is none).
    private long _passAt;
    private long _passEnd;

    /// <summary>Most delayed messages kept in memory per partition.</summary>
    public int MaxDelaysInMemory { get; }

    /// <summary>Delayed messages not held in memory, to be read again from the journal.</summary>
    public long SpilledDelays => _spilledDelays;

    /// <summary>Every delayed message: nacked with a delay, or waiting for its delivery time (held or not).</summary>
    public long DelayedTotal => Delayed + _spilledDelays;

    /// <summary>The earliest delivery time of a held delayed message (possibly one acked since), or <see cref="long.MaxValue"/>.</summary>
    public long EarliestDeliveryMs => _delays?.EarliestDueMs ?? long.MaxValue;

    /// <summary>Whether an acquisition has spilled delayed messages to read again (a receive makes progress).</summary>
    public bool RescanDue => _passAt < _passEnd || (_spilledDelays > 0 && (_delays?.Count ?? 0) == 0);

    /// <summary>
    /// A message just acquired has a delivery time after now: it waits until <paramref name="dueMs"/>, its delivery
    /// uncounted, held in memory if it is among the earliest. False when it is not in flight.
    /// </summary>
    public bool Defer(long offset, long dueMs)
    {
        if (!_leases.TryGetValue(offset, out var lease) || lease.State != LeaseState.InFlight) return false;
        InFlight--;
        ushort deliveries = (ushort)(lease.Deliveries - 1);
        _delays ??= new DelayQueue(MaxDelaysInMemory);
        if (_spilledDelays > 0 && dueMs > _spilledDueFloorMs)
        {
            // Held, it could be due after a spilled one that is not read again before the heap drains.
            _leases.Remove(offset);
            Spill(offset, deliveries, dueMs);
            return true;
        }
        if (_delays.TryAddKeepingEarliest(dueMs, offset, out long evicted, out long evictedDue))
        {
            _leases[offset] = new Lease(LeaseState.Delayed, deliveries, 0, dueMs);
            Delayed++;
            return true;
        }
        if (evicted == offset)
        {
            _leases.Remove(offset);
            Spill(offset, deliveries, dueMs);
            return true;
        }
        _leases[offset] = new Lease(LeaseState.Delayed, deliveries, 0, dueMs);
        Delayed++;
        // An entry acked since (or dropped) left no lease: nothing to remember.
        if (_leases.TryGetValue(evicted, out var pushedOut) && pushedOut.State == LeaseState.Delayed && pushedOut.DueMs == evictedDue)
        {
            _leases.Remove(evicted);
            Delayed--;
            Spill(evicted, pushedOut.Deliveries, evictedDue);
        }
        return true;
    }

    private void Spill(long offset, ushort deliveries, long dueMs)
    {
        if (deliveries > 0) _pastDeliveries[offset] = deliveries;
        _spilledDelays++;
        if (offset < _lowestSpilled) _lowestSpilled = offset;
        if (dueMs < _spilledDueFloorMs) _spilledDueFloorMs = dueMs;
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

    // Part of Acquire: once the heap is empty, a pass makes the spilled messages visible again, at most `max` per
    // acquisition (what one receive reads), so the delivery reads them and defers them (or delivers the due ones).
    private void RescanSpilled(int max)
    {
        if (_passAt >= _passEnd)
        {
            if (_spilledDelays == 0 || (_delays?.Count ?? 0) > 0) return;
            _passAt = Math.Max(_lowestSpilled, Floor);
            _passEnd = Next;
            // Messages pushed out from here on are the ones the next pass reads.
            _lowestSpilled = _spilledDueFloorMs = long.MaxValue;
        }
        long stop = Math.Min(_passEnd, _passAt + MaxRescanSteps);
        int made = 0;
        while (made < max && _passAt < stop)
        {
            long offset = _passAt++;
            if (_done.IsSet(offset) || _leases.ContainsKey(offset)) continue;
            _spilledDelays--;
            made++;
            _pastDeliveries.Remove(offset, out ushort past);
            MakeReady(offset, new Lease(LeaseState.Ready, past, 0, 0));
        }
        if (_spilledDelays == 0) _passAt = _passEnd;
    }

    // Part of DropBelow, before the leases below `start` go: spilled delayed messages below it are dropped (counted by
    // the caller with the others), held ones leave the heap. Walks from the lowest spilled one only when some are.
    private long DropDelaysBelow(long start)
    {
        _delays?.RemoveBelow(start);
        if (_spilledDelays == 0) return 0;
        long dropped = 0;
        long end = Math.Min(start, Next);
        for (long offset = Math.Max(Floor, Math.Min(_lowestSpilled, _passAt < _passEnd ? _passAt : long.MaxValue)); offset < end && _spilledDelays > 0; offset++)
        {
            if (_done.IsSet(offset) || _leases.ContainsKey(offset)) continue;
            _spilledDelays--;
            dropped++;
        }
        if (_spilledDelays == 0) ClearDelays(keepHeld: true);
        else
        {
            if (_lowestSpilled < start) _lowestSpilled = start;
            if (_passAt < start) _passAt = Math.Min(start, _passEnd);
        }
        return dropped;
    }

    // Part of ResetTo (everything), or when no message is spilled any more.
    private void ClearDelays(bool keepHeld = false)
    {
        if (!keepHeld) _delays?.Clear();
        _spilledDelays = 0;
        _lowestSpilled = _spilledDueFloorMs = long.MaxValue;
        _passAt = _passEnd = 0;
    }
}
