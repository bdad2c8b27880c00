using System.Buffers.Binary;
using FastBroker.Server.Journal;
using FastBroker.Server.Topics;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Subscriptions;

internal sealed partial class SharedSubscription
{
    // One journal read of key lookahead: about 600 messages of 100 B, enough to refill half the lookahead ring.
    private const int KeyReadBytes = 64 * 1024;

    // Receives run synchronously on the connection's receive loop: one hash buffer per thread is enough.
    [ThreadStatic] private static ulong[]? t_keyHashes;

    // A key-ordered subscription's partition gate (PROTOCOL.md section 8.11), or null.
    private static KeyGate? NewKeyGate(SubscriptionSettings settings)
        => settings.KeyOrdered ? new KeyGate((int)settings.MaxInFlight) : null;

    /// <summary>
    /// Reads ahead, outside the lock, the key hashes of the partition's messages from its next fresh delivery on, so the
    /// next acquisition can gate them by key: a key-ordered subscription reads its messages' keys once here and the
    /// messages again when it sends them. Does nothing without key order, or while the lookahead is over half full.
    /// </summary>
    private void ReadKeysAhead(QueueState state, PartitionJournal journal, long end)
    {
        var keys = state.Keys;
        if (keys is null) return;
        long from;
        int room;
        lock (state.Gate)
        {
            if (keys.AheadEnd < state.Next) keys.ResetAhead(state.Next);
            from = keys.AheadEnd;
            room = keys.AheadRoom;
            if (from >= end || !keys.HasRoom || room < KeyGate.LookaheadCapacity / 2) return;
            room = (int)Math.Min(room, end - from);
        }
        var hashes = t_keyHashes ??= new ulong[KeyGate.LookaheadCapacity];
        int n = ReadKeyHashes(journal, from, hashes.AsSpan(0, room));
        if (n == 0) return;
        // Appended only if nobody moved the lookahead meanwhile (another receive, a reset): else this read is dropped.
        lock (state.Gate) keys.TryAppendAhead(from, hashes.AsSpan(0, n));
    }

    // Fills `hashes` with the key hashes of the offsets from `from` on, from one journal read. Returns how many.
    private int ReadKeyHashes(PartitionJournal journal, long from, Span<ulong> hashes)
    {
        byte[] buffer = BatchBuffers.Pool.Rent(KeyReadBytes);
        try
        {
            if (!TryRead(journal, from, buffer.AsSpan(0, KeyReadBytes), out var read)) return 0;
            if (read.BytesWritten == 0)
            {
                // One batch larger than the read: read it alone.
                if (read.RequiredBytes <= 0) return 0;
                BatchBuffers.EnsureCapacity(ref buffer, read.RequiredBytes, 0);
                if (!TryRead(journal, from, buffer.AsSpan(0, read.RequiredBytes), out read) || read.BytesWritten == 0) return 0;
            }
            var written = buffer.AsSpan(0, read.BytesWritten);
            int n = 0;
            long expect = from;
            int at = 0;
            while (at < written.Length && n < hashes.Length)
            {
                var batch = written[at..];
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(batch[RecordBatchHeader.LengthPosition..]);
                long batchEnd = RecordBatch.ReadBaseOffset(batch) + RecordBatch.ReadRecordCount(batch);
                var reader = new RecordBatchReader(batch[..length]);
                while (n < hashes.Length && reader.NextOffset < batchEnd)
                {
                    long offset = reader.NextOffset;
                    if (offset < expect)
                    {
                        if (reader.TrySkipNext() != RecordReadStatus.Ok) break;
                        continue;
                    }
                    if (reader.TryReadNext(out var record) != RecordReadStatus.Ok) break;
                    // The hashes are by position from `from`: offsets are dense, but a hole must not shift them.
                    for (; expect < offset && n < hashes.Length; expect++) hashes[n++] = KeyHash.NoKey;
                    if (n == hashes.Length) break;
                    hashes[n++] = record.HasKey ? KeyHash.Of(record.Key) : KeyHash.NoKey;
                    expect = offset + 1;
                }
                // A batch that does not parse is delivered as it is (the client reports it): its records not read
                // here are ordered with nothing.
                while (n < hashes.Length && expect < batchEnd)
                {
                    hashes[n++] = KeyHash.NoKey;
                    expect++;
                }
                at += length;
            }
            return n;
        }
        finally
        {
            BatchBuffers.Pool.Return(buffer);
        }
    }
}
