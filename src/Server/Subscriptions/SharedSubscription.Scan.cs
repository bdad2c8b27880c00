using FastBroker.Wire.Filters;

namespace FastBroker.Server.Subscriptions;

internal sealed partial class SharedSubscription
{
    // How much a receive may read to find matching messages before it answers with what it has (or waits), and how
    // much the tick and a stats request read, so depth is right with no consumer; both keep a connection's loop short.
    internal const long InlineScanBytes = 4L << 20;
    internal const long TickScanBytes = 16L << 20;

    private readonly MessageFilter? _filter;
    // Judges this subscription's messages together with the other filtered subscriptions of the topic.
    private readonly FilterScanner _scanner;
    // Per partition, used by whoever holds the scanner's flag for the partition: the judged runs of one scan.
    private readonly List<ScanRun>[] _scanRuns;
    private long _filtered;
    private long _expired;

    /// <summary>The topic's shared scan this subscription takes part in when it has a filter.</summary>
    internal FilterScanner Scanner => _scanner;

    /// <summary>The filter, or null when the subscription has none.</summary>
    public MessageFilter? Filter => _filter;

    /// <summary>
    /// Judges messages past the scan frontier of <paramref name="partition"/>, reading at most about
    /// <paramref name="budgetBytes"/>, in one scan with the topic's other filtered subscriptions
    /// (<see cref="FilterScanner"/>): those the filter excludes and expired ones are settled (expired ones
    /// dead-lettered when the subscription says so), and the frontier moves past them. Reads outside the lock;
    /// applies the results under it. True when it made messages deliverable (for this subscription or another).
    /// Does nothing while another thread scans the partition or when the subscription has no filter.
    /// </summary>
    internal bool Scan(int partition, long budgetBytes)
    {
        if (_filter is null || _closed) return false;
        return _scanner.Scan(partition, budgetBytes, NowMs);
    }

    /// <summary>Whether the partition has committed messages the scan has not judged yet (and room to judge them).</summary>
    private bool ScanBehind(int partition, long end)
    {
        if (_filter is null) return false;
        var state = _states[partition];
        lock (state.Gate) return state.Scanned < state.ScanEnd(end);
    }

    /// <summary>For the scanner: the offsets [<paramref name="from"/>, <paramref name="limit"/>) of the partition this
    /// subscription wants judged. False when it has none (closed, or nothing past the frontier within its window).</summary>
    internal bool TryGetScanWindow(int partition, long end, out long from, out long limit)
    {
        from = limit = 0;
        if (_filter is null || _closed) return false;
        var state = _states[partition];
        lock (state.Gate)
        {
            from = state.Scanned;
            limit = state.ScanEnd(end);
        }
        return from < limit;
    }

    /// <summary>For the scanner: wakes receivers waiting on this subscription, after a scan of the topic.</summary>
    internal void WakeReceivers() => Wake();

    /// <summary>For the scanner: the run list of <paramref name="partition"/>, which it fills while it holds the
    /// partition's scan flag.</summary>
    internal List<ScanRun> ScanRuns(int partition) => _scanRuns[partition];

    /// <summary>
    /// For the scanner: settles the judged runs of <paramref name="partition"/> and moves the frontier to
    /// <paramref name="frontier"/>, under the partition's lock. True when messages became deliverable. Judged from
    /// <paramref name="from"/>: when the frontier is no longer there (a reset or retention moved it while the scan
    /// read), the runs are stale and are dropped; the next scan starts from the new frontier.
    /// </summary>
    internal bool ApplyScan(int partition, long from, long frontier, long end)
    {
        var state = _states[partition];
        var runs = _scanRuns[partition];
        long filtered = 0, expired = 0;
        bool deliverable;
        lock (state.Gate)
        {
            if (state.Scanned != from) return false;
            long floor = state.Floor;
            foreach (var run in runs)
            {
                for (long offset = run.First; offset < run.First + run.Count; offset++)
                {
                    if (run.Kind == ScanRunKind.Filtered)
                    {
                        if (state.SettleUnscanned(offset)) filtered++;
                    }
                    else if (Settings.DeadLetterExpired)
                    {
                        state.DeadLetterUnscanned(offset);
                    }
                    else if (state.SettleUnscanned(offset))
                    {
                        expired++;
                    }
                }
            }
            state.FinishScan(frontier);
            DrainLocked(partition, state);
            NoteFloorLocked(partition, state, floor);
            deliverable = state.Next < state.DeliverableEnd(end);
        }
        if (filtered > 0) Interlocked.Add(ref _filtered, filtered);
        if (expired > 0) Interlocked.Add(ref _expired, expired);
        if (deliverable) Wake();
        return deliverable;
    }
}
