using System.Buffers.Binary;

namespace FastBroker.Wire.Messages.Groups;

/// <summary>A list of u32 partition indexes read in place from a frame body (PROTOCOL.md 5.29-5.31).</summary>
public readonly ref struct PartitionList
{
    private readonly ReadOnlySpan<byte> _bytes;

    internal PartitionList(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>Number of partitions listed.</summary>
    public int Count => _bytes.Length / 4;

    /// <summary>Partition <paramref name="index"/> of the list, as sent.</summary>
    public uint this[int index] => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.Slice(index * 4, 4));

    /// <summary>The partitions as an array (as sent, order kept).</summary>
    public int[] ToArray()
    {
        var result = new int[Count];
        for (int i = 0; i < result.Length; i++) result[i] = (int)this[i];
        return result;
    }

    /// <summary>Reads <c>u32 count, u32 partition * count</c>; false when the count claims more than is left.</summary>
    internal static bool TryRead(scoped ref SpanReader reader, out PartitionList list)
    {
        list = default;
        if (!reader.TryReadUInt32(out uint count) || count > (uint)reader.Remaining.Length / 4) return false;
        if (!reader.TryReadBytes((int)count * 4, out var bytes)) return false;
        list = new PartitionList(bytes);
        return true;
    }
}
