namespace FastBroker.Server.Topics.Dedup;

/// <summary>
/// The deduplication ids one partition stored recently (PROTOCOL.md 6.8), oldest first: full id bytes in a ring arena
/// plus an open-addressing index, so a lookup compares bytes (a hash collision never makes a record a duplicate) and
/// nothing is allocated per id once the arrays have grown. Entries leave from the oldest end, when they fall out of the
/// window or when the entry or arena cap is reached (then the window is effectively shorter; <see cref="Evicted"/>
/// counts them). Used only by the partition's writer loop: no locks.
/// </summary>
internal sealed class DedupIndex
{
    private const long Empty = -1;

    private readonly int _maxEntries;
    private readonly int _maxArenaBytes;
    // Allocated at the first id: a partition that never sees one costs nothing here.
    private Entry[] _entries = [];
    private byte[] _arena = [];
    private long[] _slots = [];
    private long _oldest;
    private long _next;
    private long _arenaNext;
    private int _occupied;

    public DedupIndex(int maxEntries, long maxArenaBytes)
    {
        _maxEntries = Math.Max(1, maxEntries);
        // Powers of two, so positions wrap by masking.
        int cap = 2 * Wire.Records.DedupId.MaxBytes;
        while (cap * 2L <= maxArenaBytes && cap < 1 << 30) cap *= 2;
        _maxArenaBytes = cap;
    }

    /// <summary>Ids remembered.</summary>
    public int Count => (int)(_next - _oldest);

    /// <summary>Ids forgotten before their window ended because a cap was reached.</summary>
    public long Evicted { get; private set; }

    /// <summary>Where the next entry goes; <see cref="RollbackTo"/> forgets everything added since.</summary>
    public long Mark => _next;

    /// <summary>Bytes the arrays hold (tests and stats).</summary>
    public long AllocatedBytes => _entries.Length * 32L + _arena.Length + _slots.Length * 8L;

    public static int Hash(ReadOnlySpan<byte> id)
    {
        var hash = new HashCode();
        hash.AddBytes(id);
        return hash.ToHashCode();
    }

    /// <summary>The offset stored with <paramref name="id"/> by an entry newer than <paramref name="windowMs"/>.</summary>
    public bool TryFind(ReadOnlySpan<byte> id, int hash, long nowMs, long windowMs, out long offset, out long seq)
    {
        int mask = _slots.Length - 1;
        for (int i = hash & mask; mask >= 0; i = (i + 1) & mask)
        {
            seq = _slots[i];
            if (seq == Empty) break;
            if (seq < _oldest || seq >= _next) continue;
            ref var entry = ref _entries[seq & (_entries.Length - 1)];
            // An expired entry may still be here (the sweep stops at the first live one): a newer one may follow.
            if (entry.Hash != hash || entry.Length != id.Length || nowMs - entry.StoredMs >= windowMs) continue;
            if (!_arena.AsSpan((int)(entry.ArenaPosition & (_arena.Length - 1)), entry.Length).SequenceEqual(id)) continue;
            offset = entry.Offset;
            return true;
        }
        offset = -1;
        seq = Empty;
        return false;
    }

    /// <summary>Remembers <paramref name="id"/> (not already present) with <paramref name="offset"/>.</summary>
    public void Add(ReadOnlySpan<byte> id, int hash, long storedMs, long offset)
    {
        if (_entries.Length == 0)
        {
            _entries = new Entry[16];
            _arena = new byte[Math.Min(1024, _maxArenaBytes)];
            _slots = NewSlots(64);
        }
        if (Count >= _maxEntries) EvictOldest();
        if (Count == _entries.Length) GrowEntries();
        long position = ReserveArena(id.Length);
        id.CopyTo(_arena.AsSpan((int)(position & (_arena.Length - 1))));
        long seq = _next++;
        _entries[seq & (_entries.Length - 1)] = new Entry { Offset = offset, StoredMs = storedMs, ArenaPosition = position, Hash = hash, Length = id.Length };
        _arenaNext = position + id.Length;
        Place(seq, hash);
        if (_occupied * 4L > _slots.Length * 3L) Rehash();
    }

    /// <summary>Adds <paramref name="baseOffset"/> to the offsets of the entries from <paramref name="mark"/> on
    /// (added with their index in a batch not yet stored).</summary>
    public void ShiftOffsets(long mark, long baseOffset)
    {
        for (long seq = Math.Max(mark, _oldest); seq < _next; seq++)
            _entries[seq & (_entries.Length - 1)].Offset += baseOffset;
    }

    /// <summary>Forgets the entries added since <paramref name="mark"/> (their batch was not stored).</summary>
    public void RollbackTo(long mark)
    {
        long target = Math.Max(mark, _oldest);
        if (target >= _next) return;
        _arenaNext = _entries[target & (_entries.Length - 1)].ArenaPosition;
        _next = target;
    }

    /// <summary>Forgets entries stored <paramref name="windowMs"/> or longer before <paramref name="nowMs"/>, oldest first.</summary>
    public int Expire(long nowMs, long windowMs)
    {
        int removed = 0;
        while (_oldest < _next && nowMs - _entries[_oldest & (_entries.Length - 1)].StoredMs >= windowMs)
        {
            _oldest++;
            removed++;
        }
        if (_oldest == _next) _arenaNext = 0;
        return removed;
    }

    private void EvictOldest()
    {
        _oldest++;
        Evicted++;
    }

    // Ids are contiguous in the arena (one that would wrap starts at the arena's beginning instead), so a comparison
    // is one span. The arena doubles up to its cap; beyond that the oldest ids make room.
    private long ReserveArena(int length)
    {
        while (true)
        {
            long position = _arenaNext;
            int offset = (int)(position & (_arena.Length - 1));
            if (offset + length > _arena.Length) position += _arena.Length - offset;
            long oldestStart = _oldest < _next ? _entries[_oldest & (_entries.Length - 1)].ArenaPosition : position;
            if (position + length - oldestStart <= _arena.Length) return position;
            if (_arena.Length < _maxArenaBytes) GrowArena();
            else EvictOldest();
        }
    }

    private void GrowArena()
    {
        var bigger = new byte[Math.Min(_arena.Length * 2, _maxArenaBytes)];
        long position = 0;
        for (long seq = _oldest; seq < _next; seq++)
        {
            ref var entry = ref _entries[seq & (_entries.Length - 1)];
            _arena.AsSpan((int)(entry.ArenaPosition & (_arena.Length - 1)), entry.Length).CopyTo(bigger.AsSpan((int)position));
            entry.ArenaPosition = position;
            position += entry.Length;
        }
        _arena = bigger;
        _arenaNext = position;
    }

    private void GrowEntries()
    {
        var bigger = new Entry[_entries.Length * 2];
        for (long seq = _oldest; seq < _next; seq++)
            bigger[seq & (bigger.Length - 1)] = _entries[seq & (_entries.Length - 1)];
        _entries = bigger;
    }

    // Linear probing; slots of forgotten entries are reused, and a rehash clears them once they crowd the table.
    private void Place(long seq, int hash)
    {
        int mask = _slots.Length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            long current = _slots[i];
            if (current == Empty) _occupied++;
            else if (current >= _oldest && current < _next && current != seq) continue;
            _slots[i] = seq;
            return;
        }
    }

    private void Rehash()
    {
        int size = 64;
        while (size < Count * 3L) size *= 2;
        _slots = NewSlots(size);
        _occupied = 0;
        for (long seq = _oldest; seq < _next; seq++)
            Place(seq, _entries[seq & (_entries.Length - 1)].Hash);
    }

    private static long[] NewSlots(int size)
    {
        var slots = new long[size];
        Array.Fill(slots, Empty);
        return slots;
    }

    private struct Entry
    {
        public long Offset;
        public long StoredMs;
        public long ArenaPosition;
        public int Hash;
        public int Length;
    }
}
