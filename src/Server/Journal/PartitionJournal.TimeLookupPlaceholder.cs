using FastBroker.Wire.Records;

namespace FastBroker.Server.Journal;

public sealed partial class PartitionJournal
{
    /// <summary>
    /// The first offset whose timestamp (the running maximum of the timestamps up to it) is at or after
    /// <paramref name="timestampMs"/>; <see cref="CommittedEndOffset"/> when there is none.
    /// </summary>
    /// <remarks>Placeholder: a linear scan of the log through <see cref="Read"/>. The time index replaces it.</remarks>
    public long OffsetForTimestamp(long timestampMs)
    {
        long offset = StartOffset;
        long end = CommittedEndOffset;
        long runningMax = long.MinValue;
        var buffer = new byte[1024 * 1024];
        while (offset < end)
        {
            JournalReadResult result;
            try
            {
                result = Read(offset, buffer);
                if (result.BytesWritten == 0 && result.RequiredBytes > 0)
                {
                    buffer = new byte[result.RequiredBytes];
                    result = Read(offset, buffer);
                }
            }
            catch (ArgumentOutOfRangeException)
            {
                // The start moved past the scan (retention): continue from the new start.
                offset = Math.Max(offset, StartOffset);
                continue;
            }
            if (result.BytesWritten == 0) break;
            var span = buffer.AsSpan(0, result.BytesWritten);
            while (!span.IsEmpty)
            {
                int length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(span[RecordBatchHeader.LengthPosition..]);
                var batch = span[..length];
                if (Math.Max(runningMax, RecordBatch.ReadMaxTimestamp(batch)) >= timestampMs)
                {
                    var reader = new RecordBatchReader(batch);
                    while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
                    {
                        runningMax = Math.Max(runningMax, record.Timestamp);
                        if (runningMax >= timestampMs && record.Offset >= offset) return record.Offset;
                    }
                }
                runningMax = Math.Max(runningMax, RecordBatch.ReadMaxTimestamp(batch));
                offset = RecordBatch.ReadBaseOffset(batch) + RecordBatch.ReadRecordCount(batch);
                span = span[length..];
            }
        }
        return end;
    }
}
