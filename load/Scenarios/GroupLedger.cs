namespace FastBroker.Load.Scenarios;

/// <summary>
/// What a whole consumer group received, by sequence number (<see cref="PayloadStamp.TryReadSequence"/>), shared by
/// every member: one bit per message the run may publish, set atomically, so a message delivered to two members
/// (or twice to one) is seen as a duplicate at the moment of its second delivery, without a lock or an allocation.
/// </summary>
internal sealed class GroupLedger
{
    private readonly ulong[] _seen;
    private readonly long _capacity;
    private long _distinct;

    /// <summary>A ledger for sequence numbers 0 to <paramref name="capacity"/> - 1.</summary>
    public GroupLedger(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
        _seen = new ulong[(capacity + 63) / 64];
    }

    /// <summary>How a delivery counts.</summary>
    public enum Delivery
    {
        /// <summary>The first delivery of the message to the group.</summary>
        First,

        /// <summary>The message was delivered before.</summary>
        Duplicate,

        /// <summary>No sequence number this run published (too short, or out of range).</summary>
        Foreign,
    }

    /// <summary>Different messages received by the group.</summary>
    public long Distinct => Volatile.Read(ref _distinct);

    /// <summary>Notes the delivery of <paramref name="payload"/> to any member; safe from any thread.</summary>
    public Delivery Record(ReadOnlySpan<byte> payload)
    {
        if (!PayloadStamp.TryReadSequence(payload, out long sequence) || sequence < 0 || sequence >= _capacity)
            return Delivery.Foreign;
        ulong bit = 1UL << (int)(sequence & 63);
        if ((Interlocked.Or(ref _seen[sequence >> 6], bit) & bit) != 0)
            return Delivery.Duplicate;
        Interlocked.Increment(ref _distinct);
        return Delivery.First;
    }

    /// <summary>Messages of the <paramref name="published"/> (numbered 0 to published - 1) the group never received.</summary>
    public long Missing(long published)
    {
        long received = 0;
        long limit = Math.Min(published, _capacity);
        long whole = limit >> 6;
        for (long w = 0; w < whole; w++)
            received += System.Numerics.BitOperations.PopCount(Volatile.Read(ref _seen[w]));
        int rest = (int)(limit & 63);
        if (rest > 0)
            received += System.Numerics.BitOperations.PopCount(Volatile.Read(ref _seen[whole]) & ((1UL << rest) - 1));
        return published - received;
    }
}
