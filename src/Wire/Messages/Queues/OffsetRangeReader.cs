using System.Buffers.Binary;

namespace FastBroker.Wire.Messages.Queues;

/// <summary>Reads the sections of a <see cref="SettleRequest"/> as a flat run of <see cref="OffsetRange"/>s.
/// Only for bytes that <see cref="TryMeasure"/> accepted.</summary>
public ref struct OffsetRangeReader
{
    private ReadOnlySpan<byte> _rest;
    private uint _sectionsLeft;
    private uint _rangesLeft;
    private int _partition;

    internal OffsetRangeReader(ReadOnlySpan<byte> sections)
    {
        _sectionsLeft = BinaryPrimitives.ReadUInt32LittleEndian(sections);
        _rest = sections[4..];
    }

    /// <summary>The next range, or false at the end. Partitions are as sent (u32 read as int; negative means
    /// a value above <see cref="int.MaxValue"/>, which no topic has).</summary>
    public bool TryReadNext(out OffsetRange range)
    {
        while (_rangesLeft == 0)
        {
            if (_sectionsLeft == 0) { range = default; return false; }
            _sectionsLeft--;
            _partition = (int)BinaryPrimitives.ReadUInt32LittleEndian(_rest);
            _rangesLeft = BinaryPrimitives.ReadUInt32LittleEndian(_rest[4..]);
            _rest = _rest[8..];
        }
        _rangesLeft--;
        range = new OffsetRange(_partition, BinaryPrimitives.ReadInt64LittleEndian(_rest),
            (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(_rest[8..]), int.MaxValue));
        _rest = _rest[OffsetRange.Size..];
        return true;
    }

    /// <summary>Checks that the sections fill <paramref name="sections"/> exactly and counts their ranges.</summary>
    public static bool TryMeasure(ReadOnlySpan<byte> sections, out int rangeCount)
    {
        rangeCount = 0;
        var r = new SpanReader(sections);
        if (!r.TryReadUInt32(out uint count)) return false;
        long total = 0;
        for (uint i = 0; i < count; i++)
        {
            if (!r.TryReadUInt32(out _) || !r.TryReadUInt32(out uint ranges)) return false;
            if ((ulong)ranges * OffsetRange.Size > (ulong)r.Remaining.Length) return false;
            r = new SpanReader(r.Remaining[(int)(ranges * OffsetRange.Size)..]);
            total += ranges;
        }
        if (!r.End) return false;
        rangeCount = (int)total;
        return true;
    }
}
