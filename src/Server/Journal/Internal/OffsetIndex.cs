namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// The in-memory sparse offset index of one segment: an entry for the first batch and then for the first batch
/// at least <c>intervalBytes</c> after the previous entry. One writer appends; any number of readers search.
/// </summary>
/// <remarks>
/// Entries are written before the count that exposes them is published, and a grown array is published before
/// that count, so a reader that reads the count and then the array never sees a half-written entry.
/// </remarks>
internal sealed class OffsetIndex
{
    private readonly int _intervalBytes;
    private IndexEntry[] _entries;
    private int _count;
    private long _lastPosition;

    public OffsetIndex(int intervalBytes, int initialCapacity)
    {
        _intervalBytes = intervalBytes;
        _entries = new IndexEntry[Math.Max(initialCapacity, 1)];
    }

    /// <summary>An index holding entries loaded from an index file.</summary>
    public OffsetIndex(int intervalBytes, IndexEntry[] entries, int count)
    {
        _intervalBytes = intervalBytes;
        _entries = entries.Length > 0 ? entries : new IndexEntry[1];
        _count = count;
        _lastPosition = count > 0 ? entries[count - 1].Position : 0;
    }

    /// <summary>
    /// Starting capacity for a segment's index: a few entries, doubling as the segment fills. Sizing it for a full
    /// segment (up to 4,096 entries, 64 KiB) made every idle partition reserve that much for nothing.
    /// </summary>
    public static int CapacityFor(long segmentBytes, int intervalBytes)
        => (int)Math.Clamp(segmentBytes / intervalBytes + 1, 1, InitialCapacity);

    private const int InitialCapacity = 8;

    /// <summary>Entries published so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The entries (writer thread only: for persisting the index).</summary>
    public ReadOnlySpan<IndexEntry> Entries => _entries.AsSpan(0, _count);

    /// <summary>Records the batch at <paramref name="position"/> if it is the first or far enough from the last entry.</summary>
    public void MaybeAdd(long offset, long position)
    {
        int count = _count;
        if (count > 0 && position - _lastPosition < _intervalBytes) return;

        var entries = _entries;
        if (count == entries.Length)
        {
            var grown = new IndexEntry[entries.Length * 2];
            entries.AsSpan().CopyTo(grown);
            grown[count] = new IndexEntry(offset, position);
            Volatile.Write(ref _entries, grown);
        }
        else
        {
            entries[count] = new IndexEntry(offset, position);
        }
        _lastPosition = position;
        Volatile.Write(ref _count, count + 1);
    }

    /// <summary>The last entry whose offset is at most <paramref name="offset"/>; false when there is none.</summary>
    public bool TryFind(long offset, out IndexEntry entry)
    {
        int count = Volatile.Read(ref _count);
        var entries = Volatile.Read(ref _entries);
        int low = 0, high = count - 1, found = -1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            if (entries[middle].Offset <= offset)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        entry = found >= 0 ? entries[found] : default;
        return found >= 0;
    }
}
