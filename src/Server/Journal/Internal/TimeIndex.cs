namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// The in-memory sparse time index of one segment, and the segment's largest timestamp. Entries hold the running
/// maximum of the batches' max timestamps, so they increase strictly however the producers' clocks disagree; an
/// entry is added for the first batch, then for a batch that raises the maximum past the last entry's and starts
/// at least <c>intervalBytes</c> after it. One writer appends; any number of readers search.
/// </summary>
/// <remarks>
/// Publication works as in <see cref="OffsetIndex"/>: entry, then grown array, then count. The rule gives the
/// search its bound: a batch that starts <c>intervalBytes</c> or more past an entry and raises the maximum gets an
/// entry itself, so between entry <c>j</c> and entry <c>j + 1</c> only the batches in the first
/// <c>intervalBytes</c> after entry <c>j</c> can hold a timestamp above entry <c>j</c>'s.
/// </remarks>
internal sealed class TimeIndex
{
    /// <summary>The largest timestamp of a segment without batches.</summary>
    public const long NoTimestamp = long.MinValue;

    private const int InitialCapacity = 8;

    private readonly int _intervalBytes;
    private TimeIndexEntry[] _entries;
    private int _count;
    private long _maxTimestamp = NoTimestamp;

    public TimeIndex(int intervalBytes)
    {
        _intervalBytes = intervalBytes;
        _entries = new TimeIndexEntry[InitialCapacity];
    }

    /// <summary>An index holding entries loaded from a time index file, for a segment whose largest timestamp is <paramref name="maxTimestamp"/>.</summary>
    public TimeIndex(int intervalBytes, TimeIndexEntry[] entries, int count, long maxTimestamp)
    {
        _intervalBytes = intervalBytes;
        _entries = entries.Length > 0 ? entries : new TimeIndexEntry[1];
        _count = count;
        _maxTimestamp = maxTimestamp;
    }

    /// <summary>Entries published so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The entries (writer thread only: for persisting and rolling back the index).</summary>
    public ReadOnlySpan<TimeIndexEntry> Entries => _entries.AsSpan(0, _count);

    /// <summary>The largest batch max timestamp written to the segment, or <see cref="NoTimestamp"/> (writer thread).</summary>
    public long MaxTimestamp => _maxTimestamp;

    /// <summary>Takes the batch at <paramref name="position"/> into the running maximum, adding an entry when the rule asks for one.</summary>
    public void Add(long batchMaxTimestamp, long offset, long position)
    {
        long max = Math.Max(_maxTimestamp, batchMaxTimestamp);
        _maxTimestamp = max;
        int count = _count;
        var entries = _entries;
        if (count > 0)
        {
            ref readonly var last = ref entries[count - 1];
            if (max <= last.Timestamp || position - last.Position < _intervalBytes) return;
        }

        if (count == entries.Length)
        {
            var grown = new TimeIndexEntry[entries.Length * 2];
            entries.AsSpan().CopyTo(grown);
            grown[count] = new TimeIndexEntry(max, offset, position);
            Volatile.Write(ref _entries, grown);
        }
        else
        {
            entries[count] = new TimeIndexEntry(max, offset, position);
        }
        Volatile.Write(ref _count, count + 1);
    }

    /// <summary>
    /// Where to look for the first record stamped <paramref name="timestamp"/> or later among the batches before file
    /// position <paramref name="end"/>: <paramref name="from"/> is the last entry below the timestamp (no record before
    /// it qualifies), or the first entry when there is none; <paramref name="next"/> is the entry after it, whose batch
    /// holds a qualifying record unless an earlier one within the interval does, or null when there is none before
    /// <paramref name="end"/>. False when no entry lies before <paramref name="end"/>. Any thread.
    /// </summary>
    public bool TryLocate(long timestamp, long end, out TimeIndexEntry from, out TimeIndexEntry? next)
    {
        int count = Volatile.Read(ref _count);
        var entries = Volatile.Read(ref _entries);
        // Entries may run ahead of the committed end: only those before it count.
        while (count > 0 && entries[count - 1].Position >= end) count--;
        from = default;
        next = null;
        if (count == 0) return false;

        int low = 0, high = count - 1, found = -1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            if (entries[middle].Timestamp < timestamp)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        from = entries[Math.Max(found, 0)];
        if (found >= 0 && found + 1 < count) next = entries[found + 1];
        return true;
    }

    /// <summary>Bytes after an entry within which a batch may raise the maximum without an entry of its own.</summary>
    public int IntervalBytes => _intervalBytes;
}
