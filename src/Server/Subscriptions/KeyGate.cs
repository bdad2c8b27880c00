using System.Runtime.InteropServices;

namespace FastBroker.Server.Subscriptions;

/// <summary>
/// Key order of one partition of a key-ordered shared subscription (PROTOCOL.md section 8.11): at most one message of
/// a key is out (delivered, nacked, delayed or on its way to the dead-letter topic) at a time; later messages of the
/// key are held back, in offset order, until it is settled. Pure state, not thread-safe: the owning
/// <see cref="QueueState"/> calls it under its lock.
/// </summary>
/// <remarks>
/// Keys are known by a 64-bit hash of their bytes (<see cref="KeyHash"/>); two keys sharing a hash are ordered
/// together, which is safe (only less parallel). State exists only for keys with a message out or held: a slot per
/// key (its head, the message out, and its tail) and a member per message (its key and the next held message of the
/// key), all in two dictionaries, so no allocation per message beyond their growth.
/// <para>A lookahead ring holds the key hashes of the offsets from the next fresh delivery on, read from the journal
/// outside the lock: fresh messages are only handed out once their key is known.</para>
/// </remarks>
internal sealed class KeyGate
{
    /// <summary>Key hashes read ahead at most, per partition.</summary>
    public const int LookaheadCapacity = 1024;

    private readonly Dictionary<ulong, Slot> _slots = new();
    private readonly Dictionary<long, Member> _members = new();
    private readonly List<ulong> _scratch = [];
    private readonly ulong[] _ahead = new ulong[LookaheadCapacity];
    private int _aheadHead;
    private int _aheadCount;
    private long _aheadStart;

    /// <param name="maxHeld">Messages held back at most: fresh deliveries of the partition stop at this many.</param>
    public KeyGate(int maxHeld) => MaxHeld = maxHeld;

    public int MaxHeld { get; }

    /// <summary>Messages held back behind an earlier message of their key.</summary>
    public int Held { get; private set; }

    /// <summary>Keys with a message out or held back.</summary>
    public int ActiveKeys => _slots.Count;

    /// <summary>Whether fresh messages may pass: fewer than <see cref="MaxHeld"/> are held back.</summary>
    public bool HasRoom => Held < MaxHeld;

    /// <summary>The first offset whose key hash is not read ahead yet.</summary>
    public long AheadEnd => _aheadStart + _aheadCount;

    /// <summary>How many more key hashes the lookahead takes.</summary>
    public int AheadRoom => LookaheadCapacity - _aheadCount;

    /// <summary>Whether the key of <paramref name="offset"/> is read ahead.</summary>
    public bool Knows(long offset) => offset >= _aheadStart && offset < AheadEnd;

    /// <summary>Empties the lookahead, which then continues from <paramref name="start"/>.</summary>
    public void ResetAhead(long start)
    {
        _aheadStart = start;
        _aheadHead = 0;
        _aheadCount = 0;
    }

    /// <summary>Appends the key hashes of the offsets from <paramref name="from"/> on, as many as there is room for.
    /// False (nothing appended) when <paramref name="from"/> is no longer <see cref="AheadEnd"/>: another reader got there first,
    /// or the lookahead was reset.</summary>
    public bool TryAppendAhead(long from, ReadOnlySpan<ulong> hashes)
    {
        if (from != AheadEnd) return false;
        int n = Math.Min(hashes.Length, AheadRoom);
        for (int i = 0; i < n; i++) _ahead[(_aheadHead + _aheadCount + i) % LookaheadCapacity] = hashes[i];
        _aheadCount += n;
        return true;
    }

    /// <summary>Takes the key hash of <paramref name="offset"/> from the lookahead, dropping those before it.</summary>
    public bool TryTakeAhead(long offset, out ulong hash)
    {
        hash = 0;
        if (!Knows(offset)) return false;
        int skip = (int)(offset - _aheadStart) + 1;
        hash = _ahead[(_aheadHead + skip - 1) % LookaheadCapacity];
        _aheadHead = (_aheadHead + skip) % LookaheadCapacity;
        _aheadCount -= skip;
        _aheadStart += skip;
        return true;
    }

    /// <summary>
    /// A fresh message of key <paramref name="hash"/> reaches the gate (offsets arrive in increasing order). True when
    /// its key has nothing out: it goes out now. False when it is held back behind the key's earlier messages; it is
    /// handed back by <see cref="Leave"/> when its turn comes.
    /// </summary>
    public bool Enter(long offset, ulong hash)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_slots, hash, out bool exists);
        _members[offset] = new Member(hash, -1);
        if (!exists)
        {
            slot = new Slot(offset, offset);
            return true;
        }
        ref var tail = ref CollectionsMarshal.GetValueRefOrNullRef(_members, slot.Tail);
        tail = tail with { Next = offset };
        slot = slot with { Tail = offset };
        Held++;
        return false;
    }

    /// <summary>The message out at <paramref name="offset"/> is settled (acked or dead-lettered). Returns the next
    /// message of its key, no longer held back (the caller makes it visible), or -1 when the key has none (its state
    /// goes) or the offset is not out through the gate (a record without a key).</summary>
    public long Leave(long offset)
    {
        if (!_members.TryGetValue(offset, out var member)) return -1;
        ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(_slots, member.Hash);
        // Only the head of a key is ever out, so only it is settled; anything else stays until it is reached.
        if (slot.Head != offset) return -1;
        _members.Remove(offset);
        if (member.Next < 0)
        {
            _slots.Remove(member.Hash);
            return -1;
        }
        slot = slot with { Head = member.Next };
        Held--;
        return member.Next;
    }

    /// <summary>Forgets every message below <paramref name="start"/> (retention deleted them, settled or not). Adds to
    /// <paramref name="released"/> the held messages that became the first of their key.</summary>
    public void DropBelow(long start, List<long> released)
    {
        _scratch.Clear();
        foreach (var (hash, slot) in _slots)
            if (slot.Head < start) _scratch.Add(hash);
        foreach (ulong hash in _scratch)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(_slots, hash);
            long head = slot.Head;
            bool headHeld = false;
            while (head >= 0 && head < start)
            {
                _members.Remove(head, out var member);
                if (headHeld) Held--;
                headHeld = true;
                head = member.Next;
            }
            if (head < 0)
            {
                _slots.Remove(hash);
                continue;
            }
            slot = slot with { Head = head };
            Held--;
            released.Add(head);
        }
        _scratch.Clear();
    }

    /// <summary>Forgets every key (a reset), the lookahead continuing from <paramref name="start"/>.</summary>
    public void Clear(long start)
    {
        _slots.Clear();
        _members.Clear();
        Held = 0;
        ResetAhead(start);
    }

    private readonly record struct Slot(long Head, long Tail);

    private readonly record struct Member(ulong Hash, long Next);
}
