using System.Buffers;

namespace FastBroker.Wire.Messages;

public static partial class FrameWriter
{
    // fetch filtered = string topic, u32 partition, i64 offset, u32 max bytes, u32 max wait ms, string filter
    /// <summary>Writes a FetchFiltered request; <paramref name="filter"/> is the filter's UTF-8 text (PROTOCOL.md section 14).</summary>
    public static void WriteFetchFiltered(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic, int partition, long offset,
        int maxBytes, uint maxWaitMs, ReadOnlySpan<byte> filter)
    {
        int bodyLength = 2 + topic.Length + 4 + 8 + 4 + 4 + 2 + filter.Length;
        var w = Begin(output, Opcode.FetchFiltered, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteUInt32((uint)partition);
        w.WriteInt64(offset);
        w.WriteUInt32((uint)maxBytes);
        w.WriteUInt32(maxWaitMs);
        w.WriteString(filter);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    /// <summary>Bytes of a FetchFiltered response frame before its batches: header, fixed fields and ranges.</summary>
    public static int FetchFilteredPrefixSize(int ranges) => FrameHeader.Size + FetchFilteredResponse.PrefixSize + ranges * FetchRange.Size;

    // fetch filtered response = i64 log start, i64 log end, i64 next offset, u32 ranges, ranges * (i64 first, u32 count),
    //                           record batches (the rest of the body)
    /// <summary>
    /// Writes the frame header, fixed fields and ranges of a FetchFiltered response into the first
    /// <see cref="FetchFilteredPrefixSize"/> bytes of <paramref name="destination"/>; the caller puts the
    /// <paramref name="batchBytes"/> bytes of batches right after them.
    /// </summary>
    public static void WriteFetchFilteredPrefix(Span<byte> destination, uint requestId, long logStartOffset, long logEndOffset,
        long nextOffset, ReadOnlySpan<FetchRange> ranges, int batchBytes)
    {
        int prefix = FetchFilteredPrefixSize(ranges.Length);
        new FrameHeader(prefix - FrameHeader.Size + batchBytes, Opcode.FetchFiltered, FrameFlags.Response, requestId).Write(destination);
        var w = new SpanWriter(destination[FrameHeader.Size..prefix]);
        w.WriteInt64(logStartOffset);
        w.WriteInt64(logEndOffset);
        w.WriteInt64(nextOffset);
        w.WriteUInt32((uint)ranges.Length);
        foreach (var range in ranges)
        {
            w.WriteInt64(range.First);
            w.WriteUInt32((uint)range.Count);
        }
    }

    /// <summary>Writes a whole FetchFiltered response from batches held in memory (tests, fakes, small tools).</summary>
    public static void WriteFetchFilteredResponse(IBufferWriter<byte> output, uint requestId, long logStartOffset, long logEndOffset,
        long nextOffset, ReadOnlySpan<FetchRange> ranges, ReadOnlySpan<byte> batches)
    {
        int prefix = FetchFilteredPrefixSize(ranges.Length);
        var span = output.GetSpan(prefix + batches.Length);
        WriteFetchFilteredPrefix(span, requestId, logStartOffset, logEndOffset, nextOffset, ranges, batches.Length);
        batches.CopyTo(span[prefix..]);
        output.Advance(prefix + batches.Length);
    }
}
