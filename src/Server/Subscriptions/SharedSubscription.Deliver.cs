using System.Buffers.Binary;
using FastBroker.Server.Journal;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Subscriptions;

internal sealed partial class SharedSubscription
{
    // Journal reads for one range go in chunks of this size, so a scattered redelivery reads little past its batch.
    private const int ReadChunkBytes = 256 * 1024;

    // Receives run synchronously on the connection's receive loop: one set of range lists per thread is enough.
    [ThreadStatic] private static List<DeliveryRange>[]? t_ranges;

    /// <summary>
    /// Takes up to <paramref name="max"/> visible messages for <paramref name="holder"/> (never past max in flight)
    /// and encodes them as one delivery frame: the ranges, then the stored batches holding them. Messages that do not
    /// fit <paramref name="maxBytes"/> (beyond the first batch) are given back uncounted. False when nothing is visible.
    /// </summary>
    public bool TryDeliver(long holder, int max, int maxBytes, long visibilityMs, Opcode opcode, FrameFlags flags, uint requestId, out DeliveryFrame frame)
    {
        frame = default;
        if (_closed) return false;
        if (Settings.AckMode == AckMode.Explicit) max = Math.Min(max, (int)Settings.MaxInFlight - Volatile.Read(ref _inFlight));
        if (max <= 0) return false;

        var ranges = RangeLists(_states.Length);
        long now = NowMs;
        int taken = 0;
        int start = Interlocked.Increment(ref _rotation) & int.MaxValue;
        for (int k = 0; k < _states.Length && taken < max; k++)
        {
            int p = (start + k) % _states.Length;
            if (!_topic.Partitions[p].TryGetJournal(out var journal, out _)) continue;
            long end = journal.CommittedEndOffset;
            var state = _states[p];
            lock (state.Gate)
            {
                int before = state.InFlight;
                long floor = state.Floor;
                taken += state.Acquire(now, end, max - taken, holder, visibilityMs, autoAck: false, ranges[p]);
                Interlocked.Add(ref _inFlight, state.InFlight - before);
                DrainLocked(p, state);
                NoteFloorLocked(p, state, floor);
            }
        }
        if (taken == 0) return false;

        frame = Build(ranges, maxBytes, opcode, flags, requestId);
        for (int p = 0; p < ranges.Length; p++) ranges[p].Clear();
        Interlocked.Add(ref _delivered, frame.Messages);
        return true;
    }

    private static List<DeliveryRange>[] RangeLists(int partitions)
    {
        var lists = t_ranges;
        if (lists is null || lists.Length < partitions)
        {
            lists = new List<DeliveryRange>[Math.Max(partitions, 8)];
            for (int i = 0; i < lists.Length; i++) lists[i] = new List<DeliveryRange>(64);
            t_ranges = lists;
        }
        return lists;
    }

    private DeliveryFrame Build(List<DeliveryRange>[] ranges, int maxBytes, Opcode opcode, FrameFlags flags, uint requestId)
    {
        int prefix = FrameWriter.DeliveryPrefixSize;
        for (int p = 0; p < _states.Length; p++)
            if (ranges[p].Count > 0) prefix += FrameWriter.DeliverySectionPrefixSize(ranges[p].Count);
        int frameCap = FrameHeader.Size + _context.MaxFrameBytes;
        int budgetEnd = prefix + Math.Clamp(maxBytes, 1, Math.Max(1, frameCap - prefix));
        byte[] buffer = BatchBuffers.Pool.Rent(Math.Min(budgetEnd, prefix + 64 * 1024));

        int at = FrameWriter.DeliveryPrefixSize;
        int sections = 0;
        int messages = 0;
        bool cut = false;
        for (int p = 0; p < _states.Length; p++)
        {
            var list = ranges[p];
            if (list.Count == 0) continue;
            if (cut)
            {
                GiveBack(p, list, 0, list[0].First);
                continue;
            }
            int sectionAt = at;
            int reserved = FrameWriter.DeliverySectionPrefixSize(list.Count);
            at += reserved;
            int batchesAt = at;
            int kept = ReadSection(p, list, ref buffer, ref at, budgetEnd, emptyAt: messages == 0 ? batchesAt : -1, frameCap);
            if (kept < 0)
            {
                cut = true;
                kept = -kept - 1;
            }
            if (kept == 0)
            {
                at = sectionAt;
                continue;
            }
            int batchBytes = at - batchesAt;
            int prefixBytes = FrameWriter.DeliverySectionPrefixSize(kept);
            if (prefixBytes < reserved)
            {
                Buffer.BlockCopy(buffer, batchesAt, buffer, sectionAt + prefixBytes, batchBytes);
                at -= reserved - prefixBytes;
            }
            FrameWriter.WriteDeliverySectionPrefix(buffer.AsSpan(sectionAt), p, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list)[..kept], batchBytes);
            for (int i = 0; i < kept; i++) messages += list[i].Count;
            if (Settings.AckMode == AckMode.None) AckDelivered(p, list, kept);
            sections++;
        }
        FrameWriter.WriteDeliveryPrefix(buffer, opcode, flags, requestId, at - FrameHeader.Size, sections);
        return new DeliveryFrame(buffer, at, messages);
    }

    // Reads the batches covering the section's ranges. Returns how many ranges (the last possibly shortened in
    // place) were covered; negative (-kept - 1) when the budget ran out, after giving the rest back.
    private int ReadSection(int partition, List<DeliveryRange> list, ref byte[] buffer, ref int at, int budgetEnd, int emptyAt, int frameCap)
    {
        if (!_topic.Partitions[partition].TryGetJournal(out var journal, out _))
        {
            GiveBack(partition, list, 0, list[0].First);
            return 0;
        }
        long covered = long.MinValue;
        for (int i = 0; i < list.Count; i++)
        {
            var range = list[i];
            long need = Math.Max(range.First, covered);
            while (need < range.End)
            {
                bool first = at == emptyAt;
                int room = Math.Min(budgetEnd - at, ReadChunkBytes);
                JournalReadResult read = default;
                bool failed = false;
                if (room >= RecordBatchHeader.Size || first)
                {
                    EnsureCapacity(ref buffer, at + Math.Max(room, RecordBatchHeader.Size), at);
                    failed = !TryRead(journal, need, buffer.AsSpan(at, Math.Max(room, RecordBatchHeader.Size)), out read);
                    // A batch larger than one read chunk is read on its own: whole, if it fits what is left of max
                    // bytes, or, as the first batch of the delivery, whatever its size (PROTOCOL.md section 5.15).
                    if (!failed && read.BytesWritten == 0 && read.RequiredBytes > 0 && at + read.RequiredBytes <= (first ? frameCap : budgetEnd))
                    {
                        EnsureCapacity(ref buffer, at + read.RequiredBytes, at);
                        failed = !TryRead(journal, need, buffer.AsSpan(at, read.RequiredBytes), out read);
                    }
                }
                if (failed || read.BytesWritten == 0)
                {
                    GiveBack(partition, list, i, need);
                    if (need == range.First) return -i - 1;
                    list[i] = range with { Count = (int)(need - range.First) };
                    return -(i + 1) - 1;
                }
                int used = 0;
                var written = buffer.AsSpan(at, read.BytesWritten);
                while (used < written.Length)
                {
                    var batch = written[used..];
                    long baseOffset = RecordBatch.ReadBaseOffset(batch);
                    if (baseOffset >= range.End) break;
                    used += (int)BinaryPrimitives.ReadUInt32LittleEndian(batch[RecordBatchHeader.LengthPosition..]);
                    covered = baseOffset + RecordBatch.ReadRecordCount(batch);
                }
                at += used;
                need = covered;
            }
        }
        return list.Count;
    }

    private bool TryRead(PartitionJournal journal, long offset, Span<byte> destination, out JournalReadResult result)
    {
        try
        {
            result = journal.Read(offset, destination);
            return true;
        }
        catch (Exception ex) when (ex is JournalCorruptedException or IOException or ObjectDisposedException or ArgumentOutOfRangeException)
        {
            SubscriptionsLog.DeliveryReadFailed(_context.Logger, _topic.Name, Name, offset, ex);
            result = default;
            return false;
        }
    }

    private static void EnsureCapacity(ref byte[] buffer, int needed, int used)
    {
        if (buffer.Length >= needed) return;
        byte[] bigger = BatchBuffers.Pool.Rent(Math.Max(needed, buffer.Length * 2));
        Buffer.BlockCopy(buffer, 0, bigger, 0, used);
        BatchBuffers.Pool.Return(buffer);
        buffer = bigger;
    }

    // Gives back every offset from `from` on in ranges[index..]: taken, but not sent.
    private void GiveBack(int partition, List<DeliveryRange> list, int index, long from)
    {
        var state = _states[partition];
        lock (state.Gate)
        {
            int before = state.InFlight;
            for (int i = index; i < list.Count; i++)
                for (long offset = Math.Max(list[i].First, from); offset < list[i].End; offset++)
                    state.Unacquire(offset);
            Interlocked.Add(ref _inFlight, state.InFlight - before);
        }
        Wake();
    }

    // Ack mode none: delivered means acked, once the messages are really in the frame.
    private void AckDelivered(int partition, List<DeliveryRange> list, int kept)
    {
        var state = _states[partition];
        lock (state.Gate)
        {
            int before = state.InFlight;
            long floor = state.Floor;
            for (int i = 0; i < kept; i++)
            {
                int applied = state.Ack(list[i].First, list[i].Count, (_log, partition), LogAckRun);
                Interlocked.Add(ref _acked, applied);
            }
            Interlocked.Add(ref _inFlight, state.InFlight - before);
            NoteFloorLocked(partition, state, floor);
        }
    }
}
