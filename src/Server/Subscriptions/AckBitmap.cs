using System.Numerics;

namespace FastBroker.Server.Subscriptions;

/// <summary>
/// Which offsets at or above a subscription's ack floor are done (acked or dead-lettered): one bit per offset, in
/// words that slide up as the floor moves, so memory follows the distance between the floor and the newest delivery,
/// never the number of messages ever acked.
/// </summary>
internal sealed class AckBitmap
{
    /// <summary>Words that hold every offset below <c>floor + QueueState.MaxWindow</c>, wherever the floor sits in its
    /// first word: what a window that never slides needs at most.</summary>
    internal const int WindowWords = (int)(QueueState.MaxWindow >> 6) + 1;

    // Words the floor must have moved on before a growth slides the array down instead: enough that the copy is
    // paid for by that many words of progress, few enough that a full, moving window takes 1.25 windows, not 2.
    private const int SlideWords = WindowWords / 4;

    private ulong[] _words = new ulong[16];
    private long _base;
    private long _floor;

    public AckBitmap(long floor)
    {
        _base = floor & ~63L;
        _floor = floor;
    }

    /// <summary>Bytes the words take (for tests and memory accounting).</summary>
    internal long CapacityBytes => (long)_words.Length * sizeof(ulong);

    public bool IsSet(long offset)
    {
        long bit = offset - _base;
        if (bit < 0) return true;
        long word = bit >> 6;
        return word < _words.Length && (_words[word] & (1UL << (int)(bit & 63))) != 0;
    }

    public void Set(long offset)
    {
        long bit = offset - _base;
        if (bit < 0) return;
        long word = bit >> 6;
        if (word >= _words.Length) word = Grow(word);
        _words[word] |= 1UL << (int)(bit & 63);
    }

    /// <summary>The first offset at or after <paramref name="floor"/> (and at most <paramref name="limit"/>) that is
    /// not set; words wholly below it are dropped.</summary>
    public long AdvanceFloor(long floor, long limit)
    {
        while (floor < limit)
        {
            long bit = floor - _base;
            long word = bit >> 6;
            if (word >= _words.Length) break;
            int shift = (int)(bit & 63);
            ulong rest = _words[word] >> shift;
            if (rest == ulong.MaxValue >> shift)
            {
                floor += 64 - shift;
                continue;
            }
            floor += BitOperations.TrailingZeroCount(~rest);
            break;
        }
        floor = Math.Min(floor, limit);
        _floor = floor;
        Slide(floor);
        return floor;
    }

    /// <summary>Set bits in [from, to).</summary>
    public long CountSet(long from, long to)
    {
        long count = 0;
        from = Math.Max(from, _base);
        to = Math.Min(to, _base + ((long)_words.Length << 6));
        for (long offset = from; offset < to;)
        {
            long bit = offset - _base;
            int shift = (int)(bit & 63);
            int take = (int)Math.Min(64 - shift, to - offset);
            ulong bits = _words[bit >> 6] >> shift;
            if (take < 64) bits &= (1UL << take) - 1;
            count += BitOperations.PopCount(bits);
            offset += take;
        }
        return count;
    }

    /// <summary>Calls <paramref name="visit"/> with each run of set offsets in [from, to), in order.</summary>
    /// <remarks>Steps from one change of bit to the next, not bit by bit: a compaction visits a whole window (4M
    /// offsets per partition) under the partition's lock.</remarks>
    public void ForEachSetRun<TState>(long from, long to, TState state, Action<TState, long, long> visit)
    {
        long runStart = -1;
        long offset = from;
        while (offset < to)
        {
            long bit = offset - _base;
            bool set;
            long step;
            if (bit < 0)
            {
                set = true;
                step = -bit;
            }
            else if ((bit >> 6) >= _words.Length)
            {
                set = false;
                step = to - offset;
            }
            else
            {
                int shift = (int)(bit & 63);
                ulong bits = _words[bit >> 6] >> shift;
                set = (bits & 1) != 0;
                // Bits equal to this one from here to the end of the word (the zeros shifted in end a run of ones).
                step = Math.Min(BitOperations.TrailingZeroCount(set ? ~bits : bits), 64 - shift);
            }
            if (set)
            {
                if (runStart < 0) runStart = offset;
            }
            else if (runStart >= 0)
            {
                visit(state, runStart, offset - runStart);
                runStart = -1;
            }
            offset = Math.Min(to, offset + step);
        }
        if (runStart >= 0) visit(state, runStart, to - runStart);
    }

    // Amortised O(1): the array slides only once the floor is at least half-way through it.
    private void Slide(long floor)
    {
        long word = (floor - _base) >> 6;
        if (word == 0 || word < _words.Length / 2) return;
        if (word >= _words.Length)
        {
            // The floor jumped past every word held (a floor restored from a snapshot): nothing above it is set.
            Array.Clear(_words);
            _base = floor & ~63L;
            return;
        }
        ShiftDown((int)word);
    }

    private void ShiftDown(int words)
    {
        int keep = _words.Length - words;
        Array.Copy(_words, words, _words, 0, keep);
        Array.Clear(_words, keep, words);
        _base += (long)words << 6;
    }

    // Makes room for `word` and returns its index afterwards (the array may have slid down).
    private long Grow(long word)
    {
        long floorWord = (_floor - _base) >> 6;
        if (floorWord >= SlideWords && floorWord < _words.Length)
        {
            ShiftDown((int)floorWord);
            word -= floorWord;
            if (word < _words.Length) return word;
        }
        long size = _words.Length;
        while (size <= word) size *= 2;
        // A full window (a filter's scan settles up to MaxWindow offsets above the floor) needs one word more than a
        // power of two: doubling for it held 1 MiB per partition and subscription, half of it unused.
        if (word < WindowWords + SlideWords) size = Math.Min(size, WindowWords + SlideWords);
        if (word < WindowWords) size = Math.Min(size, WindowWords);
        Array.Resize(ref _words, (int)size);
        return word;
    }
}
