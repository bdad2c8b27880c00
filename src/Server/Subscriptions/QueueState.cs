using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Subscriptions;

/// <summary>
/// The delivery state of one partition for one shared subscription: which offsets are done, which are in flight
/// to whom and until when, which are visible again. Pure state, no I/O and no clock of its own (callers pass the time
/// in milliseconds), not thread-safe: the owner serialises calls with <see cref="Gate"/>.
/// </summary>
/// <remarks>
/// Offsets below <see cref="Floor"/> are done. Offsets at or above <see cref="Next"/> have not been delivered since
/// the broker started (some may already be done, after a restart). Between the two, each offset is either done (a
/// bit in the bitmap) or has a <see cref="Lease"/>, or is a delayed message not held in memory (QueueState.Delay.cs). Memory is bounded by <see cref="MaxWindow"/>: fresh deliveries
/// stop while the newest delivered offset is that far above the oldest one not done.
/// <para>A filtered subscription's state also has a scan frontier, <see cref="Scanned"/>: offsets below it have been
/// read and judged (not matching the filter or expired ones are done, or on their way to the dead-letter topic), and
/// nothing at or above it is handed out. Done offsets above the floor are not all in the ack log: a filter is
/// deterministic, so after a restart they are judged again.</para>
/// </remarks>
internal sealed partial class QueueState
{
    /// <summary>Most offsets between the floor and the next fresh delivery (a bitmap of 512 KiB while the floor stays
    /// in the bitmap's first word, at most 640 KiB once it moves on).</summary>
    public const long MaxWindow = 1L << 22;

    private AckBitmap _done;
    private readonly Dictionary<long, Lease> _leases = new();
    private readonly PriorityQueue<long, long> _ready = new();
    // Deadlines: most arrive in time order (one visibility timeout for every delivery), so they go to a FIFO;
    // the rest (per-receive timeouts, extends, nack delays) to a heap. Entries go stale when their message is
    // acked or its deadline moves; stale heads are dropped at once, so both hold about what is in flight rather
    // than every delivery of the last visibility timeout.
    private readonly Queue<(long Offset, long DueMs)> _inOrder = new();
    private readonly PriorityQueue<long, long> _timers = new();
    private readonly Dictionary<long, ushort> _pastDeliveries = new();
    private readonly List<long> _scratch = [];
    private readonly int _maxDeliveries;
    private readonly bool _filtered;
    // Key order (null when the subscription has none): see QueueState.KeyOrder.cs.
    private readonly KeyGate? _keys;
    private long _doneEnd;
    // Expired messages at or above Next on their way to the dead-letter topic (only a scan parks them there).
    private long _movingAhead;
    private long _lastInOrderDue;

    public QueueState(int maxDeliveries, long floor = 0, bool filtered = false, KeyGate? keys = null, int maxHeldDelays = DefaultMaxDelaysInMemory)
    {
        _maxDeliveries = maxDeliveries;
        MaxDelaysInMemory = maxHeldDelays;
        _filtered = filtered;
        _keys = keys;
        Floor = Next = Scanned = floor;
        _done = new AckBitmap(floor);
    }

    public Lock Gate { get; } = new();

    public long Floor { get; private set; }
    public long Next { get; private set; }
    public int InFlight { get; private set; }
    public int ReadyCount { get; private set; }
    public int Delayed { get; private set; }
    public long DeadLettered { get; private set; }

    /// <summary>Whether offsets must be scanned (judged by a filter) before they may be delivered.</summary>
    public bool Filtered => _filtered;

    /// <summary>The scan frontier of a filtered subscription: offsets below it have been judged.</summary>
    public long Scanned { get; private set; }

    /// <summary>Expired messages waiting to be copied to the dead-letter topic with reason <c>expired</c> (the
    /// owner drains it): offset, deliveries before it expired.</summary>
    public List<(long Offset, ushort Deliveries)> ExpiredDeadLetters { get; } = [];

    /// <summary>Where delivery of new messages must stop: the committed end, or the scan frontier when filtered.</summary>
    public long DeliverableEnd(long end) => _filtered ? Math.Min(end, Scanned) : end;

    /// <summary>Where a scan must stop: the committed end, but never more than <see cref="MaxWindow"/> above the
    /// floor, so the bitmap stays bounded however many messages the filter skips.</summary>
    public long ScanEnd(long end) => Math.Min(end, Floor + MaxWindow);

    /// <summary>Messages out of deliveries, waiting to be copied to the dead-letter topic (the owner drains it).</summary>
    public List<(long Offset, ushort Deliveries)> DeadLetters { get; } = [];

    /// <summary>Failed deliveries to record durably (offset, deliveries so far); the owner drains it.</summary>
    public List<(long Offset, ushort Deliveries)> Failures { get; } = [];

    /// <summary>Visible messages: back for redelivery plus those never delivered below <paramref name="end"/>.</summary>
    public long Visible(long end)
    {
        end = DeliverableEnd(end);
        return ReadyCount + Math.Max(0, end - Next) - _done.CountSet(Next, end) - _movingAhead;
    }

    /// <summary>The earliest time a lease may time out or a delay end, or <see cref="long.MaxValue"/>.</summary>
    public long NextDueMs => Math.Min(Math.Min(_inOrder.TryPeek(out var head) ? head.DueMs : long.MaxValue,
        _timers.TryPeek(out _, out long due) ? due : long.MaxValue), EarliestDeliveryMs);

    /// <summary>
    /// Takes up to <paramref name="max"/> visible messages below <paramref name="end"/> for <paramref name="holder"/>:
    /// messages back for redelivery first (oldest offset first), then new ones. With <paramref name="autoAck"/> they are
    /// done at once (ack mode none). Appends the offsets, in increasing order, to <paramref name="taken"/>.
    /// </summary>
    public int Acquire(long nowMs, long end, int max, long holder, long visibilityMs, bool autoAck, List<DeliveryRange> taken)
    {
        Expire(nowMs);
        RescanSpilled(max);
        end = DeliverableEnd(end);
        int count = 0;
        while (count < max && _ready.TryDequeue(out long offset, out _))
        {
            if (!_leases.TryGetValue(offset, out var lease) || lease.State != LeaseState.Ready) continue;
            ReadyCount--;
            lease.Deliveries++;
            Deliver(offset, lease, nowMs, holder, visibilityMs, autoAck, taken);
            count++;
        }
        bool skipped = false;
        while (count < max && Next < end && Next - Floor < MaxWindow && KeyKnown(Next))
        {
            long offset = Next++;
            if (_done.IsSet(offset))
            {
                // Done before a restart: the floor may now pass it.
                skipped = true;
                continue;
            }
            if (_movingAhead > 0 && _leases.ContainsKey(offset))
            {
                // Expired and parked for the dead-letter topic by a scan: never delivered.
                _movingAhead--;
                continue;
            }
            ushort deliveries = 1;
            if (_pastDeliveries.Remove(offset, out ushort past)) deliveries = (ushort)(past + 1);
            if (!EnterKey(offset, deliveries)) continue;
            Deliver(offset, new Lease(LeaseState.InFlight, deliveries, holder, 0), nowMs, holder, visibilityMs, autoAck, taken);
            count++;
        }
        if (autoAck || skipped) AdvanceFloor();
        return count;
    }

    private void Deliver(long offset, Lease lease, long nowMs, long holder, long visibilityMs, bool autoAck, List<DeliveryRange> taken)
    {
        AddTo(taken, offset, lease.Deliveries);
        if (autoAck)
        {
            _leases.Remove(offset);
            MarkDone(offset);
            LeaveKey(offset);
            return;
        }
        long due = nowMs + visibilityMs;
        _leases[offset] = new Lease(LeaseState.InFlight, lease.Deliveries, holder, due);
        AddDeadline(offset, due);
        InFlight++;
    }

    private static void AddTo(List<DeliveryRange> ranges, long offset, ushort deliveries)
    {
        if (ranges.Count > 0)
        {
            var last = ranges[^1];
            if (last.End == offset && last.DeliveryCount == deliveries)
            {
                ranges[^1] = last with { Count = last.Count + 1 };
                return;
            }
        }
        ranges.Add(new DeliveryRange(offset, 1, deliveries));
    }

    /// <summary>
    /// Scan result: the message at <paramref name="offset"/> (at or above the frontier) needs no delivery (the filter
    /// excludes it, or it expired and is dropped). False when it was already done (acked before a restart).
    /// </summary>
    public bool SettleUnscanned(long offset)
    {
        if (offset < Floor || _done.IsSet(offset) || _leases.ContainsKey(offset)) return false;
        _pastDeliveries.Remove(offset);
        MarkDone(offset);
        return true;
    }

    /// <summary>Scan result: the message at <paramref name="offset"/> (at or above the frontier) expired and goes
    /// to the dead-letter topic; it is never delivered. False when it was already done.</summary>
    public bool DeadLetterUnscanned(long offset)
    {
        if (offset < Floor || _done.IsSet(offset) || _leases.ContainsKey(offset)) return false;
        _pastDeliveries.Remove(offset, out ushort past);
        _leases[offset] = new Lease(LeaseState.DeadLettering, past, 0, 0);
        ExpiredDeadLetters.Add((offset, past));
        _movingAhead++;
        return true;
    }

    /// <summary>Moves the scan frontier to <paramref name="frontier"/> and lets Next and the floor pass what the
    /// scan settled, so depth and segment deletion follow even with nobody receiving.</summary>
    public void FinishScan(long frontier)
    {
        if (frontier > Scanned) Scanned = frontier;
        while (Next < Scanned)
        {
            if (_done.IsSet(Next))
            {
                Next++;
                continue;
            }
            if (_movingAhead > 0 && _leases.TryGetValue(Next, out var lease) && lease.State == LeaseState.DeadLettering)
            {
                _movingAhead--;
                Next++;
                continue;
            }
            break;
        }
        AdvanceFloor();
    }

    /// <summary>
    /// A message just acquired turned out to be expired: with <paramref name="deadLetter"/> it goes to the dead-letter
    /// topic (its delivery uncounted), otherwise the caller acks it. False when it is not in flight.
    /// </summary>
    public bool DeadLetterExpired(long offset)
    {
        if (!_leases.TryGetValue(offset, out var lease) || lease.State != LeaseState.InFlight) return false;
        InFlight--;
        ushort deliveries = (ushort)(lease.Deliveries - 1);
        _leases[offset] = lease with { State = LeaseState.DeadLettering, Deliveries = deliveries, DueMs = 0 };
        ExpiredDeadLetters.Add((offset, deliveries));
        return true;
    }

    /// <summary>Gives back messages just acquired that could not be sent: visible again, the delivery uncounted.</summary>
    public void Unacquire(long offset)
    {
        if (!_leases.TryGetValue(offset, out var lease) || lease.State != LeaseState.InFlight) return;
        InFlight--;
        MakeReady(offset, lease with { Deliveries = (ushort)(lease.Deliveries - 1) });
    }

    /// <summary>Acks every delivered, not yet done offset in the range, whoever holds it. Returns how many.</summary>
    public int Ack(long first, int count) => Ack(first, count, 0, static (_, _, _) => { });

    /// <summary>As <see cref="Ack(long, int)"/>, and reports each run of offsets it applied to: what the ack log must
    /// record, never the whole range asked for, whose other offsets may not be delivered yet or be on their way to
    /// the dead-letter topic.</summary>
    public int Ack<TState>(long first, int count, TState state, Action<TState, long, int> appliedRun)
    {
        int applied = 0;
        long run = -1;
        long end = Math.Min(first + count, Next);
        for (long offset = Math.Max(first, Floor); offset < end; offset++)
        {
            // Held-back messages were never delivered: there is nothing of theirs to ack.
            if (!_leases.TryGetValue(offset, out var lease) || lease.State is LeaseState.DeadLettering or LeaseState.Held)
            {
                if (run >= 0) appliedRun(state, run, (int)(offset - run));
                run = -1;
                continue;
            }
            Forget(offset, lease);
            MarkDone(offset);
            LeaveKey(offset, later: true);
            applied++;
            if (run < 0) run = offset;
        }
        if (run >= 0) appliedRun(state, run, (int)(end - run));
        FlushLeftKeys();
        if (applied > 0)
        {
            AdvanceFloor();
            DropStaleDeadlines();
        }
        return applied;
    }

    /// <summary>Returns messages in flight to <paramref name="holder"/>: visible now, after a delay, or to the
    /// dead-letter topic when out of deliveries. Returns how many.</summary>
    public int Nack(long first, int count, long holder, long delayMs, long nowMs)
    {
        int applied = 0;
        long end = Math.Min(first + count, Next);
        for (long offset = Math.Max(first, Floor); offset < end; offset++)
        {
            if (!_leases.TryGetValue(offset, out var lease) || lease.State != LeaseState.InFlight || lease.Holder != holder) continue;
            InFlight--;
            Fail(offset, lease, nowMs + delayMs, nowMs);
            applied++;
        }
        return applied;
    }

    /// <summary>Moves the deadline of messages in flight to <paramref name="holder"/> to now + visibility.</summary>
    public int Extend(long first, int count, long holder, long visibilityMs, long nowMs)
    {
        int applied = 0;
        long end = Math.Min(first + count, Next);
        long due = nowMs + visibilityMs;
        for (long offset = Math.Max(first, Floor); offset < end; offset++)
        {
            if (!_leases.TryGetValue(offset, out var lease) || lease.State != LeaseState.InFlight || lease.Holder != holder) continue;
            _leases[offset] = lease with { DueMs = due };
            AddDeadline(offset, due);
            applied++;
        }
        return applied;
    }

    /// <summary>Everything in flight to <paramref name="holder"/> becomes visible now (its connection closed).</summary>
    public int Release(long holder, long nowMs)
    {
        _scratch.Clear();
        foreach (var (offset, lease) in _leases)
            if (lease.State == LeaseState.InFlight && lease.Holder == holder) _scratch.Add(offset);
        _scratch.Sort();
        foreach (long offset in _scratch)
        {
            InFlight--;
            Fail(offset, _leases[offset], nowMs, nowMs);
        }
        return _scratch.Count;
    }

    /// <summary>Applies every deadline at or before <paramref name="nowMs"/>.</summary>
    public void Expire(long nowMs)
    {
        ReleaseDueDelays(nowMs);
        DropStaleDeadlines();
        while (TryTakeDue(nowMs, out long offset, out long due))
        {
            if (!_leases.TryGetValue(offset, out var lease) || lease.DueMs != due) continue;
            if (lease.State == LeaseState.InFlight)
            {
                InFlight--;
                Fail(offset, lease, nowMs, nowMs);
            }
            else if (lease.State == LeaseState.Delayed)
            {
                Delayed--;
                MakeReady(offset, lease);
            }
        }
    }

    /// <summary>The dead-letter copy is stored: the message is done here.</summary>
    public void CompleteDeadLetter(long offset)
    {
        if (!_leases.TryGetValue(offset, out var lease) || lease.State != LeaseState.DeadLettering) return;
        _leases.Remove(offset);
        MarkDone(offset);
        LeaveKey(offset);
        DeadLettered++;
        if (offset >= Next) _movingAhead--;
        AdvanceFloor();
    }

    /// <summary>Marks an offset done while replaying the durable log (before any delivery).</summary>
    public void RestoreDone(long offset, bool deadLettered)
    {
        if (offset < Floor || _done.IsSet(offset)) return;
        MarkDone(offset);
        _pastDeliveries.Remove(offset);
        if (deadLettered) DeadLettered++;
        if (offset >= Next) Next = offset + 1;
        Floor = _done.AdvanceFloor(Floor, Next);
    }

    /// <summary>
    /// The log now starts at <paramref name="start"/> (retention deleted what was below it): every message below it
    /// that is not done is dropped, whatever its state (ready, in flight, delayed, on its way to the dead-letter
    /// topic), and the floor, the next fresh delivery and the scan frontier move up to it. Returns how many messages
    /// were dropped unsettled. A later ack of a dropped message finds no lease and changes nothing.
    /// </summary>
    public long DropBelow(long start)
    {
        if (start <= Floor) return 0;
        long dropped = DropDelaysBelow(start);
        long parkedAhead = 0;
        _scratch.Clear();
        foreach (var (offset, _) in _leases)
            if (offset < start) _scratch.Add(offset);
        foreach (long offset in _scratch)
        {
            var lease = _leases[offset];
            if (offset >= Next)
            {
                // Only a scan parks leases above Next: expired messages bound for the dead-letter topic.
                _movingAhead--;
                parkedAhead++;
            }
            Forget(offset, lease);
            dropped++;
        }
        _scratch.Clear();
        foreach (var (offset, _) in _pastDeliveries)
            if (offset < start) _scratch.Add(offset);
        foreach (long offset in _scratch) _pastDeliveries.Remove(offset);
        _scratch.Clear();
        if (start > Next) dropped += start - Next - _done.CountSet(Next, start) - parkedAhead;
        if (Next < start) Next = start;
        if (Scanned < start) Scanned = start;
        Floor = _done.AdvanceFloor(start, Next);
        DropKeysBelow(start);
        return dropped;
    }

    /// <summary>Whether messages are in flight or on their way to the dead-letter topic: a reset must wait for them
    /// (PROTOCOL.md section 5.25), as their settling would land on a state that no longer knows them.</summary>
    public bool Settling => InFlight > 0 || _leases.Count > InFlight + ReadyCount + Delayed + Held;

    /// <summary>
    /// Moves the partition's position to <paramref name="floor"/> (ResetSubscription): every offset below it is done,
    /// none at or above it is, and visible, delayed and remembered delivery counts are forgotten. Only when not
    /// <see cref="Settling"/>. Returns how many messages below the new floor were not done before (0 when it moved back).
    /// </summary>
    public long ResetTo(long floor)
    {
        long skipped = 0;
        if (floor > Floor) skipped = floor - Floor - _done.CountSet(Floor, Math.Min(floor, Math.Max(Next, _doneEnd)));
        _leases.Clear();
        _ready.Clear();
        _inOrder.Clear();
        _timers.Clear();
        _pastDeliveries.Clear();
        ReadyCount = Delayed = 0;
        _movingAhead = 0;
        _lastInOrderDue = 0;
        ClearDelays();
        _done = new AckBitmap(floor);
        _doneEnd = floor;
        Floor = Next = Scanned = floor;
        _keys?.Clear(floor);
        return skipped;
    }

    /// <summary>Sets the floor from a snapshot (before any delivery).</summary>
    public void RestoreFloor(long floor, long deadLettered)
    {
        DeadLettered = deadLettered;
        if (floor <= Floor) return;
        Floor = floor;
        if (Next < floor) Next = floor;
        Floor = _done.AdvanceFloor(Floor, Next);
    }

    /// <summary>Remembers failed deliveries of an offset from the durable log (before any delivery).</summary>
    public void RestoreDeliveries(long offset, ushort deliveries)
    {
        if (offset < Floor || _done.IsSet(offset)) return;
        if (!_pastDeliveries.TryGetValue(offset, out ushort known) || known < deliveries) _pastDeliveries[offset] = deliveries;
    }

    /// <summary>After replay: undelivered-since-start starts at the floor (in-flight messages of the last run are visible).</summary>
    public void FinishRestore()
    {
        Next = Scanned = Floor;
        _keys?.Clear(Floor);
    }

    /// <summary>Done offsets above the floor, as runs, and remembered delivery counts — what a snapshot keeps.</summary>
    public void VisitDoneRuns<TState>(TState state, Action<TState, long, long> visit) => _done.ForEachSetRun(Floor, Math.Max(Next, _doneEnd), state, visit);

    public Dictionary<long, ushort>.Enumerator PastDeliveries => _pastDeliveries.GetEnumerator();

    /// <summary>Delivery counts of messages not done, for snapshots (leases and remembered failures).</summary>
    public void VisitDeliveries<TState>(TState state, Action<TState, long, ushort> visit)
    {
        foreach (var (offset, lease) in _leases)
        {
            ushort failed = lease.State == LeaseState.InFlight ? (ushort)(lease.Deliveries - 1) : lease.Deliveries;
            if (failed > 0) visit(state, offset, failed);
        }
        foreach (var (offset, deliveries) in _pastDeliveries) visit(state, offset, deliveries);
    }

    private void Fail(long offset, Lease lease, long visibleAtMs, long nowMs)
    {
        Failures.Add((offset, lease.Deliveries));
        if (lease.Deliveries >= _maxDeliveries)
        {
            _leases[offset] = lease with { State = LeaseState.DeadLettering };
            DeadLetters.Add((offset, lease.Deliveries));
        }
        else if (visibleAtMs <= nowMs)
        {
            MakeReady(offset, lease);
        }
        else
        {
            _leases[offset] = lease with { State = LeaseState.Delayed, DueMs = visibleAtMs };
            AddDeadline(offset, visibleAtMs);
            Delayed++;
        }
    }

    private void MakeReady(long offset, Lease lease)
    {
        _leases[offset] = lease with { State = LeaseState.Ready, DueMs = 0 };
        _ready.Enqueue(offset, offset);
        ReadyCount++;
    }

    private void Forget(long offset, Lease lease)
    {
        _leases.Remove(offset);
        switch (lease.State)
        {
            case LeaseState.InFlight: InFlight--; break;
            case LeaseState.Ready: ReadyCount--; break;
            case LeaseState.Delayed: Delayed--; break;
        }
    }

    private void AddDeadline(long offset, long dueMs)
    {
        if (_inOrder.Count == 0 || dueMs >= _lastInOrderDue)
        {
            _inOrder.Enqueue((offset, dueMs));
            _lastInOrderDue = dueMs;
        }
        else
        {
            _timers.Enqueue(offset, dueMs);
        }
    }

    private bool TryTakeDue(long nowMs, out long offset, out long dueMs)
    {
        bool fifo = _inOrder.TryPeek(out var head) && head.DueMs <= nowMs;
        bool heap = _timers.TryPeek(out long heapOffset, out long heapDue) && heapDue <= nowMs;
        if (fifo && (!heap || head.DueMs <= heapDue))
        {
            _inOrder.Dequeue();
            (offset, dueMs) = head;
            return true;
        }
        if (heap)
        {
            _timers.Dequeue();
            (offset, dueMs) = (heapOffset, heapDue);
            return true;
        }
        offset = dueMs = 0;
        return false;
    }

    private bool IsLive(long offset, long dueMs)
        => _leases.TryGetValue(offset, out var lease) && lease.DueMs == dueMs
           && lease.State is LeaseState.InFlight or LeaseState.Delayed;

    private void DropStaleDeadlines()
    {
        while (_inOrder.TryPeek(out var head) && !IsLive(head.Offset, head.DueMs)) _inOrder.Dequeue();
        while (_timers.TryPeek(out long offset, out long due) && !IsLive(offset, due)) _timers.Dequeue();
    }

    private void MarkDone(long offset)
    {
        _done.Set(offset);
        if (offset >= _doneEnd) _doneEnd = offset + 1;
    }

    private void AdvanceFloor() => Floor = _done.AdvanceFloor(Floor, Next);
}
