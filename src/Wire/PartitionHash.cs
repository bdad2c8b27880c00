namespace FastBroker.Wire;

/// <summary>The key → partition function every client must use so equal keys land on the same partition
/// (PROTOCOL.md, "Partitioning"): 32-bit FNV-1a over the key bytes, modulo the partition count.</summary>
public static class PartitionHash
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    /// <summary>32-bit FNV-1a of <paramref name="key"/> ("" → 0x811C9DC5, "a" → 0xE40C292C).</summary>
    public static uint Fnv1a(ReadOnlySpan<byte> key)
    {
        uint hash = OffsetBasis;
        foreach (byte b in key)
            hash = (hash ^ b) * Prime;
        return hash;
    }

    /// <summary>The partition for <paramref name="key"/> in a topic of <paramref name="partitionCount"/> partitions.</summary>
    public static int ForKey(ReadOnlySpan<byte> key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        return (int)(Fnv1a(key) % (uint)partitionCount);
    }
}
