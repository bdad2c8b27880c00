using System.Buffers.Binary;

namespace FastBroker.Wire.Messages.Queues;

/// <summary>
/// Walks the body of a Receive response or a Deliver push in place:
/// <code>
/// u32 sections,
///   sections * (u32 partition, u32 ranges, ranges * (i64 first, u32 count, u16 delivery count),
///               u32 batch bytes, record batches)
/// </code>
/// The messages delivered are exactly the offsets the ranges list; the batches hold them (whole batches, as
/// stored, so they may also hold records that were not delivered here, which the reader skips).
/// </summary>
public ref struct DeliveryReader
{
    private ReadOnlySpan<byte> _rest;
    private uint _left;

    /// <summary>Starts reading; false unless every section's counts and lengths fit the body exactly.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, out DeliveryReader reader)
    {
        reader = default;
        var r = new SpanReader(body);
        if (!r.TryReadUInt32(out uint count)) return false;
        var sections = r.Remaining;
        for (uint i = 0; i < count; i++)
        {
            if (!r.TryReadUInt32(out _) || !r.TryReadUInt32(out uint ranges)) return false;
            if ((ulong)ranges * DeliveryRange.Size > (ulong)r.Remaining.Length) return false;
            r = new SpanReader(r.Remaining[(int)(ranges * DeliveryRange.Size)..]);
            if (!r.TryReadBlob(out _)) return false;
        }
        if (!r.End) return false;
        reader = new DeliveryReader { _rest = sections, _left = count };
        return true;
    }

    /// <summary>Sections not read yet.</summary>
    public readonly int SectionsLeft => (int)_left;

    /// <summary>The next section, or false at the end.</summary>
    public bool TryReadSection(out DeliverySection section)
    {
        if (_left == 0) { section = default; return false; }
        _left--;
        int partition = (int)BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        int ranges = (int)BinaryPrimitives.ReadUInt32LittleEndian(_rest[4..]);
        int rangeBytes = ranges * DeliveryRange.Size;
        var rangeSpan = _rest.Slice(8, rangeBytes);
        int batchBytes = (int)BinaryPrimitives.ReadUInt32LittleEndian(_rest[(8 + rangeBytes)..]);
        var batches = _rest.Slice(12 + rangeBytes, batchBytes);
        _rest = _rest[(12 + rangeBytes + batchBytes)..];
        section = new DeliverySection(partition, rangeSpan, batches);
        return true;
    }
}
