using System.Buffers.Binary;

namespace FastBroker.Wire.Messages;

/// <summary>
/// A parsed FetchFiltered response (PROTOCOL.md section 5.8.1):
/// <code>
/// 0          8          16          24      28
/// +----------+----------+-----------+-------+-------------------------------+---------------------+
/// | log start| log end  | next      | range | ranges: (i64 first, u32 count)| record batches      |
/// |   i64    |   i64    | offset i64| count | * range count                 | (rest of the body)  |
/// +----------+----------+-----------+-------+-------------------------------+---------------------+
/// </code>
/// The records delivered are exactly the offsets in the ranges; the batches are whole stored batches that hold
/// them and may hold other records too, which a reader skips.
/// </summary>
public readonly ref struct FetchFilteredResponse
{
    /// <summary>Bytes of the body before its ranges.</summary>
    public const int PrefixSize = 28;

    private readonly ReadOnlySpan<byte> _ranges;

    private FetchFilteredResponse(long start, long end, long next, ReadOnlySpan<byte> ranges, ReadOnlySpan<byte> batches)
    {
        LogStartOffset = start;
        LogEndOffset = end;
        NextOffset = next;
        _ranges = ranges;
        Batches = batches;
    }

    /// <summary>Lowest offset still stored in the partition.</summary>
    public long LogStartOffset { get; }
    /// <summary>Offset the next published record will get.</summary>
    public long LogEndOffset { get; }
    /// <summary>Where the reader continues: the offset after the last record the broker examined.</summary>
    public long NextOffset { get; }
    /// <summary>Number of ranges.</summary>
    public int RangeCount => _ranges.Length / FetchRange.Size;
    /// <summary>The encoded ranges (<see cref="FetchRange.Size"/> bytes each), for callers that keep them.</summary>
    public ReadOnlySpan<byte> RangeBytes => _ranges;
    /// <summary>Zero or more whole record batches holding the offsets of the ranges.</summary>
    public ReadOnlySpan<byte> Batches { get; }

    /// <summary>Range <paramref name="index"/> (0 ≤ index &lt; <see cref="RangeCount"/>).</summary>
    public FetchRange GetRange(int index) => ReadRange(_ranges, index);

    /// <summary>Reads range <paramref name="index"/> from encoded ranges such as <see cref="RangeBytes"/>.</summary>
    public static FetchRange ReadRange(ReadOnlySpan<byte> ranges, int index)
    {
        var at = ranges.Slice(index * FetchRange.Size, FetchRange.Size);
        return new FetchRange(BinaryPrimitives.ReadInt64LittleEndian(at),
            (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(at[8..]), int.MaxValue));
    }

    /// <summary>Parses a body; false when the prefix is short or the ranges run past the body.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out FetchFilteredResponse response)
    {
        response = default;
        var r = new SpanReader(body);
        if (!r.TryReadInt64(out long start) || !r.TryReadInt64(out long end) || !r.TryReadInt64(out long next)
            || !r.TryReadUInt32(out uint count))
            return false;
        if ((ulong)count * FetchRange.Size > (ulong)r.Remaining.Length) return false;
        int rangeBytes = (int)count * FetchRange.Size;
        response = new FetchFilteredResponse(start, end, next, r.Remaining[..rangeBytes], r.Remaining[rangeBytes..]);
        return true;
    }
}
