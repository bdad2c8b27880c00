using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Subscriptions;

internal sealed partial class SharedSubscription
{
    private readonly RateMeter _deliverRate = new();
    private readonly RateMeter _ackRate = new();

    /// <summary>Settings and counters, with deadlines up to now applied first.</summary>
    public SubscriptionStats Stats()
    {
        long now = NowMs;
        long visible = 0, inFlight = 0, delayed = 0, deadLettered = 0;
        long oldestTimestamp = long.MaxValue;
        Span<byte> header = stackalloc byte[RecordBatchHeader.Size];
        for (int p = 0; p < _states.Length; p++)
        {
            var state = _states[p];
            long end = _topic.Partitions[p].TryGetJournal(out var journal, out _) ? journal.CommittedEndOffset : 0;
            // Messages the scan has not judged yet are not counted as visible: judge what a bounded read can.
            if (_filter is not null) Scan(p, TickScanBytes);
            long floor;
            lock (state.Gate)
            {
                int before = state.InFlight;
                state.Expire(now);
                Interlocked.Add(ref _inFlight, state.InFlight - before);
                DrainLocked(p, state);
                // Messages held back behind their key wait in the queue as visible ones do (as SQS FIFO counts them).
                visible += state.Visible(end) + state.Held;
                inFlight += state.InFlight;
                delayed += state.DelayedTotal;
                deadLettered += state.DeadLettered;
                floor = state.Floor;
            }
            if (journal is not null && floor < end && Journal.BatchTimestamp.TryRead(journal, floor, out long timestamp))
                oldestTimestamp = Math.Min(oldestTimestamp, timestamp);
        }
        long oldestAge = oldestTimestamp == long.MaxValue ? -1 : Math.Max(0, now - oldestTimestamp);
        uint deliverRate, ackRate;
        lock (_deliverRate)
        {
            deliverRate = _deliverRate.PerSecond;
            ackRate = _ackRate.PerSecond;
        }
        return new SubscriptionStats(Settings, visible, inFlight, delayed, deadLettered, oldestAge,
            Interlocked.Read(ref _delivered), Interlocked.Read(ref _acked), deliverRate, ackRate,
            Interlocked.Read(ref _filtered), Interlocked.Read(ref _expired));
    }

    // Once a second: deadlines (so messages time out and dead-letter even with no receiver), the filter's scan (so
    // depth, the floor and segment deletion follow with no receiver), rates, and journal segments every
    // subscription has acked past.
    private void Tick()
    {
        if (_closed) return;
        long now = NowMs;
        bool woke = false;
        for (int p = 0; p < _states.Length; p++)
        {
            var state = _states[p];
            lock (state.Gate)
            {
                if (_topic.Partitions[p].TryGetJournal(out var journal, out _) && DropBelowLogStartLocked(p, state, journal) > 0) woke = true;
                if (state.NextDueMs > now) continue;
                int before = state.InFlight;
                int ready = state.ReadyCount;
                state.Expire(now);
                Interlocked.Add(ref _inFlight, state.InFlight - before);
                woke |= state.ReadyCount > ready || state.DeadLetters.Count > 0;
                DrainLocked(p, state);
            }
        }
        if (woke) Wake();
        if (_filter is not null)
            for (int p = 0; p < _states.Length; p++) Scan(p, TickScanBytes);
        lock (_deliverRate)
        {
            _deliverRate.Sample(now, Interlocked.Read(ref _delivered));
            _ackRate.Sample(now, Interlocked.Read(ref _acked));
        }
        _set.TrimAckedSegments();
    }
}
