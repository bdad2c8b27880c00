namespace FastBroker.Load.Scenarios;

/// <summary>
/// What one fan-out subscription received, by sequence number (<see cref="PayloadStamp.TryReadSequence"/>): one bit
/// per message the run may publish, so a message seen twice is a duplicate and one never seen is missing. Written by
/// the subscription's one consumer only (from its message handler, without allocating); read after it stopped.
/// </summary>
internal sealed class DeliveryLedger
{
    private readonly ulong[] _seen;
    private readonly long _capacity;
    private long _delivered;
    private long _distinct;
    private long _duplicates;
    private long _foreign;

    /// <summary>A ledger for sequence numbers 0 to <paramref name="capacity"/> - 1.</summary>
    public DeliveryLedger(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
        _seen = new ulong[(capacity + 63) / 64];
    }

    /// <summary>Messages handed to the subscription's consumer, duplicates included.</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>Different messages received.</summary>
    public long Distinct => Volatile.Read(ref _distinct);

    /// <summary>Deliveries of a message already received.</summary>
    public long Duplicates => Volatile.Read(ref _duplicates);

    /// <summary>Deliveries without a sequence number this run published (too short, or out of range).</summary>
    public long Foreign => Volatile.Read(ref _foreign);

    /// <summary>Notes the delivery of <paramref name="payload"/>.</summary>
    public void Record(ReadOnlySpan<byte> payload)
    {
        Volatile.Write(ref _delivered, _delivered + 1);
        if (!PayloadStamp.TryReadSequence(payload, out long sequence) || sequence < 0 || sequence >= _capacity)
        {
            Volatile.Write(ref _foreign, _foreign + 1);
            return;
        }
        ref ulong word = ref _seen[sequence >> 6];
        ulong bit = 1UL << (int)(sequence & 63);
        if ((word & bit) != 0)
        {
            Volatile.Write(ref _duplicates, _duplicates + 1);
            return;
        }
        word |= bit;
        Volatile.Write(ref _distinct, _distinct + 1);
    }

    /// <summary>Messages of the <paramref name="published"/> (numbered 0 to published - 1) never received.</summary>
    public long Missing(long published)
    {
        long received = 0;
        long limit = Math.Min(published, _capacity);
        long whole = limit >> 6;
        for (long w = 0; w < whole; w++)
            received += System.Numerics.BitOperations.PopCount(_seen[w]);
        int rest = (int)(limit & 63);
        if (rest > 0)
            received += System.Numerics.BitOperations.PopCount(_seen[whole] & ((1UL << rest) - 1));
        return published - received;
    }
}
