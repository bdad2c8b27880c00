namespace FastBroker.Server.Subscriptions;

internal sealed partial class QueueState
{
    private List<long>? _released;

    /// <summary>The key order of a key-ordered subscription's partition, or null.</summary>
    public KeyGate? Keys => _keys;

    /// <summary>Messages held back behind an earlier message of their key (never delivered yet, not visible).</summary>
    public int Held => _keys?.Held ?? 0;

    // Fresh messages pass only once their key is read ahead, and while fewer than the gate's bound are held back: the
    // bound on what a run of one key can pile up while something of it is out.
    private bool KeyKnown(long offset) => _keys is null || (_keys.HasRoom && _keys.Knows(offset));

    // A fresh message at Next: true when it goes out now; false when it is held back behind its key (parked as a Held
    // lease carrying its past failed deliveries, as a Ready one does).
    private bool EnterKey(long offset, ushort deliveries)
    {
        if (_keys is null || !_keys.TryTakeAhead(offset, out ulong hash) || hash == KeyHash.NoKey) return true;
        if (_keys.Enter(offset, hash)) return true;
        _leases[offset] = new Lease(LeaseState.Held, (ushort)(deliveries - 1), 0, 0);
        return false;
    }

    // The message at offset is settled: the next of its key, held back so far, becomes visible. With `later`, only
    // once FlushLeftKeys runs: an ack of a range must not apply to a message it released in the same range.
    private void LeaveKey(long offset, bool later = false)
    {
        if (_keys is null) return;
        long next = _keys.Leave(offset);
        if (next < 0) return;
        if (later) (_released ??= []).Add(next);
        else Unhold(next);
    }

    private void FlushLeftKeys()
    {
        if (_released is not { Count: > 0 } released) return;
        foreach (long offset in released) Unhold(offset);
        released.Clear();
    }

    private void DropKeysBelow(long start)
    {
        if (_keys is null) return;
        var released = _released ??= [];
        released.Clear();
        _keys.DropBelow(start, released);
        foreach (long offset in released) Unhold(offset);
        released.Clear();
        if (_keys.AheadEnd < Next) _keys.ResetAhead(Next);
    }

    private void Unhold(long offset)
    {
        if (_leases.TryGetValue(offset, out var lease) && lease.State == LeaseState.Held) MakeReady(offset, lease);
    }
}
