using System.Buffers;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// Walks the batches of a segment file checking each one as recovery must: sane header, length within the file,
/// CRC-32C, and base offset equal to the next expected offset. Stops at the first batch that fails.
/// </summary>
internal static class SegmentScanner
{
    private const int ChunkBytes = 1024 * 1024;

    /// <summary>
    /// Scans from <paramref name="position"/>, where offset <paramref name="expectedOffset"/> should start, to the end
    /// of the file, adding offset and time index entries for sound batches. <paramref name="mark"/> is a file position whose
    /// offset the caller wants to know (the checkpoint), or -1.
    /// </summary>
    public static ScanResult Scan(ISegmentFile file, long position, long expectedOffset, OffsetIndex index, TimeIndex timeIndex, long mark)
    {
        long fileLength = file.Length;
        long offsetAtMark = -1;
        string? problem = null;
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(fileLength - position, RecordBatchHeader.Size, ChunkBytes));
        long bufferStart = position;
        int bufferLength = 0;
        try
        {
            while (true)
            {
                if (position == mark) offsetAtMark = expectedOffset;
                long remaining = fileLength - position;
                if (remaining == 0) break;
                if (remaining < RecordBatchHeader.Size)
                {
                    problem = "incomplete batch header";
                    break;
                }

                if (position + RecordBatchHeader.Size > bufferStart + bufferLength)
                    bufferLength = Fill(file, buffer, position, remaining, out bufferStart);
                var header = RecordBatchHeader.Read(buffer.AsSpan((int)(position - bufferStart), RecordBatchHeader.Size));
                problem = CheckHeader(header, remaining, expectedOffset);
                if (problem is not null) break;

                if (position + header.Length > bufferStart + bufferLength)
                {
                    if (header.Length > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = [];
                        buffer = ArrayPool<byte>.Shared.Rent(header.Length);
                    }
                    bufferLength = Fill(file, buffer, position, remaining, out bufferStart);
                    if (bufferLength < header.Length)
                    {
                        problem = "batch shorter than its length";
                        break;
                    }
                }
                if (!RecordBatch.CrcMatches(buffer.AsSpan((int)(position - bufferStart), header.Length)))
                {
                    problem = "batch CRC mismatch";
                    break;
                }

                index.MaybeAdd(expectedOffset, position);
                timeIndex.Add(header.MaxTimestamp, expectedOffset, position);
                expectedOffset += header.RecordCount;
                position += header.Length;
            }
        }
        finally
        {
            if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        }
        return new ScanResult(position, expectedOffset, fileLength, problem, offsetAtMark);
    }

    private static string? CheckHeader(in RecordBatchHeader header, long remaining, long expectedOffset)
    {
        // A zeroed tail (preallocated or never-written pages) fails here as a zero length.
        switch (RecordBatchHeader.Check(header, remaining))
        {
            case BatchHeaderProblem.LengthBelowHeader: return "batch length below the header size";
            case BatchHeaderProblem.PastEnd: return "batch extends past the end of the file";
            case BatchHeaderProblem.UnknownFormatVersion: return "unknown batch format version";
            case BatchHeaderProblem.UnsupportedAttributes: return "batch with attributes this version does not support";
            case BatchHeaderProblem.NoRecords: return "batch with no records";
        }
        if (header.BaseOffset != expectedOffset) return $"base offset {header.BaseOffset} where {expectedOffset} was expected";
        return null;
    }

    private static int Fill(ISegmentFile file, byte[] buffer, long position, long remaining, out long bufferStart)
    {
        bufferStart = position;
        return file.Read(buffer.AsSpan(0, (int)Math.Min(buffer.Length, remaining)), position);
    }
}
