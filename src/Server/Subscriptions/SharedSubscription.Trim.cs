using System.Buffers.Binary;
using FastBroker.Server.Topics;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Subscriptions;

internal sealed partial class SharedSubscription
{
    // A filtered subscription delivers a few records out of most stored batches: sending the batches whole cost ten
    // times the bytes, and the client ten times the records to walk, for a filter taking 10% of the messages.
    // So its sections carry only the delivered records, each run of consecutive ones as its own batch with a CRC
    // computed here (PROTOCOL.md section 5.15). The journal checked the stored batches' CRCs when it read them.

    /// <summary>
    /// Rewrites the section's batches, buffer[<paramref name="batchesAt"/>..<paramref name="at"/>), so they hold only
    /// the offsets of the first <paramref name="kept"/> ranges. A batch whose records are all delivered, or that does
    /// not parse, goes as it is. Leaves the section untouched when the trimmed form would not be smaller.
    /// </summary>
    private static void TrimSection(List<DeliveryRange> list, int kept, byte[] buffer, int batchesAt, ref int at)
    {
        int total = at - batchesAt;
        if (total == 0) return;
        byte[] scratch = BatchBuffers.Pool.Rent(total);
        try
        {
            int written = 0;
            int read = batchesAt;
            int r = 0;
            while (read < at)
            {
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(read + RecordBatchHeader.LengthPosition));
                var batch = buffer.AsSpan(read, length);
                read += length;
                int batchWritten = written;
                if (!TrimBatch(batch, list, kept, ref r, scratch.AsSpan(0, total), ref written))
                {
                    // Trimming would not save bytes (or the batch does not parse): the batch goes whole.
                    if (batchWritten + length > total) return;
                    batch.CopyTo(scratch.AsSpan(batchWritten));
                    written = batchWritten + length;
                }
            }
            if (written >= total) return;
            scratch.AsSpan(0, written).CopyTo(buffer.AsSpan(batchesAt));
            at = batchesAt + written;
        }
        finally
        {
            BatchBuffers.Pool.Return(scratch);
        }
    }

    // Writes the runs of delivered records of one batch to destination[written..]. False when the batch should go
    // whole: all its records are delivered, it does not parse, or its slices would not fit.
    private static bool TrimBatch(ReadOnlySpan<byte> batch, List<DeliveryRange> list, int kept, ref int r, Span<byte> destination, ref int written)
    {
        long baseOffset = RecordBatch.ReadBaseOffset(batch);
        int start = written;
        int position = RecordBatchHeader.Size;
        int index = 0;
        int runIndex = -1, runStart = 0;
        bool skipped = false;
        while (position < batch.Length)
        {
            if (batch.Length - position < 4) return false;
            uint recordLength = BinaryPrimitives.ReadUInt32LittleEndian(batch[position..]);
            if (recordLength > (uint)(batch.Length - position - 4)) return false;
            long offset = baseOffset + index;
            while (r < kept && list[r].End <= offset) r++;
            bool delivered = r < kept && offset >= list[r].First;
            if (delivered)
            {
                if (runIndex < 0)
                {
                    runIndex = index;
                    runStart = position;
                }
            }
            else
            {
                skipped = true;
                if (runIndex >= 0 && !Slice(batch, runStart, position, runIndex, index - runIndex, destination, ref written)) return Undo(start, ref written);
                runIndex = -1;
            }
            position += 4 + (int)recordLength;
            index++;
        }
        if (!skipped) return Undo(start, ref written);
        if (runIndex >= 0 && !Slice(batch, runStart, position, runIndex, index - runIndex, destination, ref written)) return Undo(start, ref written);
        return true;
    }

    private static bool Slice(ReadOnlySpan<byte> batch, int from, int to, int firstIndex, int count, Span<byte> destination, ref int written)
    {
        if (written + RecordBatchHeader.Size + (to - from) > destination.Length) return false;
        written += RecordBatch.WriteSlice(batch, from, to, firstIndex, count, destination[written..]);
        return true;
    }

    private static bool Undo(int start, ref int written)
    {
        written = start;
        return false;
    }
}
