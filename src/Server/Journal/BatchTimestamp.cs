using FastBroker.Wire.Records;

namespace FastBroker.Server.Journal;

/// <summary>The time of the record at an offset, for ages shown to operators (queue and group lag).</summary>
internal static class BatchTimestamp
{
    // The batch's first timestamp stands for the record at the offset: close enough for an age in milliseconds
    // without decoding records.
    public static bool TryRead(PartitionJournal journal, long offset, out long timestamp)
    {
        timestamp = 0;
        byte[] buffer = Topics.BatchBuffers.Pool.Rent(64 * 1024);
        try
        {
            var read = journal.Read(offset, buffer);
            if (read.BytesWritten < RecordBatchHeader.Size) return false;
            timestamp = RecordBatchHeader.Read(buffer).FirstTimestamp;
            return true;
        }
        catch (Exception ex) when (ex is IOException or ArgumentOutOfRangeException or ObjectDisposedException or JournalCorruptedException)
        {
            return false;
        }
        finally
        {
            Topics.BatchBuffers.Pool.Return(buffer);
        }
    }
}
