namespace FastBroker.Server.Subscriptions;

/// <summary>
/// The delayed messages of one partition that a shared subscription keeps in memory (PROTOCOL.md section 6.7): a
/// binary min-heap of (deliver-at, offset) in one array, at most <see cref="Capacity"/> entries. The array grows by
/// doubling up to the cap and is kept, so once warm nothing is allocated. Not thread-safe: the owner's lock guards it.
/// </summary>
/// <remarks>
/// When full, <see cref="TryAddKeepingEarliest"/> keeps the earliest entries: a new entry due before the latest one
/// replaces it (the caller is told which offset left, to find it again later by re-reading the journal). Finding the
/// latest looks at the heap's leaves, half the entries: that cost is paid only beyond the cap.
/// </remarks>
internal sealed class DelayQueue
{
    private (long DueMs, long Offset)[] _heap;

    public DelayQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _heap = new (long, long)[Math.Min(capacity, 16)];
    }

    /// <summary>Most entries held.</summary>
    public int Capacity { get; }

    public int Count { get; private set; }

    public bool IsFull => Count == Capacity;

    /// <summary>The earliest entry; false when empty.</summary>
    public bool TryPeek(out long dueMs, out long offset)
    {
        if (Count == 0)
        {
            dueMs = offset = 0;
            return false;
        }
        (dueMs, offset) = _heap[0];
        return true;
    }

    /// <summary>The earliest due time, or <see cref="long.MaxValue"/> when empty.</summary>
    public long EarliestDueMs => Count == 0 ? long.MaxValue : _heap[0].DueMs;

    /// <summary>Removes and returns the earliest entry when it is due at or before <paramref name="nowMs"/>.</summary>
    public bool TryTakeDue(long nowMs, out long dueMs, out long offset)
    {
        if (Count == 0 || _heap[0].DueMs > nowMs)
        {
            dueMs = offset = 0;
            return false;
        }
        (dueMs, offset) = _heap[0];
        RemoveAt(0);
        return true;
    }

    /// <summary>Adds an entry when there is room; false when full.</summary>
    public bool TryAdd(long dueMs, long offset)
    {
        if (Count == Capacity) return false;
        if (Count == _heap.Length) Array.Resize(ref _heap, (int)Math.Min((long)_heap.Length * 2, Capacity));
        _heap[Count] = (dueMs, offset);
        SiftUp(Count++);
        return true;
    }

    /// <summary>
    /// Adds an entry, keeping the <see cref="Capacity"/> earliest: when full, the latest entry leaves if the new one is
    /// due before it (<paramref name="evicted"/> and <paramref name="evictedDueMs"/> are its), otherwise the new one is
    /// not held (they are the new entry's). False when something was left out.
    /// </summary>
    public bool TryAddKeepingEarliest(long dueMs, long offset, out long evicted, out long evictedDueMs)
    {
        evicted = evictedDueMs = -1;
        if (TryAdd(dueMs, offset)) return true;
        int latest = Count / 2;
        for (int i = latest + 1; i < Count; i++)
            if (Later(_heap[i], _heap[latest])) latest = i;
        if (!Later(_heap[latest], (dueMs, offset)))
        {
            (evicted, evictedDueMs) = (offset, dueMs);
            return false;
        }
        (evictedDueMs, evicted) = _heap[latest];
        _heap[latest] = (dueMs, offset);
        SiftUp(latest);
        return false;
    }

    /// <summary>Removes every entry whose offset is below <paramref name="start"/> (retention deleted them); returns how many.</summary>
    public int RemoveBelow(long start)
    {
        int kept = 0;
        for (int i = 0; i < Count; i++)
            if (_heap[i].Offset >= start) _heap[kept++] = _heap[i];
        int removed = Count - kept;
        Count = kept;
        for (int i = Count / 2 - 1; i >= 0; i--) SiftDown(i);
        return removed;
    }

    public void Clear() => Count = 0;

    // Ties on time go by offset, so entries due together leave in log order.
    private static bool Later((long DueMs, long Offset) a, (long DueMs, long Offset) b)
        => a.DueMs > b.DueMs || (a.DueMs == b.DueMs && a.Offset > b.Offset);

    private void RemoveAt(int index)
    {
        Count--;
        if (index == Count) return;
        _heap[index] = _heap[Count];
        SiftDown(index);
        SiftUp(index);
    }

    private void SiftUp(int index)
    {
        var item = _heap[index];
        while (index > 0)
        {
            int parent = (index - 1) / 2;
            if (!Later(_heap[parent], item)) break;
            _heap[index] = _heap[parent];
            index = parent;
        }
        _heap[index] = item;
    }

    private void SiftDown(int index)
    {
        var item = _heap[index];
        while (true)
        {
            int child = 2 * index + 1;
            if (child >= Count) break;
            if (child + 1 < Count && Later(_heap[child], _heap[child + 1])) child++;
            if (!Later(item, _heap[child])) break;
            _heap[index] = _heap[child];
            index = child;
        }
        _heap[index] = item;
    }
}
