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

    // A filtered delivery reads the whole stored batches around its records before cutting them down: about ten
    // times the bytes it sends for a filter taking 10% (1.1 MB for 1,000 messages of 100 B). Growing the frame
    // from 64 KiB to that by doubling copied it all once more (6% of the broker's CPU in routed runs).
    private const int FilteredFirstRentBytes = 2 * 1024 * 1024;

    // Filtered frames built in buffers larger than this are copied to one of their size when that halves the buffer.
    private const int ShrinkAboveBytes = 256 * 1024;

    // Receives run synchronously on the connection's receive loop: one set of range lists per thread is enough.
    [ThreadStatic] private static List<DeliveryRange>[]? t_ranges;
    [ThreadStatic] private static List<DeliveryRange>? t_split;
    [ThreadStatic] private static List<long>? t_expired;

    // Acquisition rounds one receive may spend on messages that turn out expired (or on scans that found nothing
    // deliverable yet) before it answers or waits; a waiting receive is woken again at once while messages are visible.
    private const int MaxDeliverRounds = 16;

    /// <summary>
    /// Takes up to <paramref name="max"/> visible messages for <paramref name="holder"/> (never past max in flight)
    /// and encodes them as one delivery frame: the ranges, then the stored batches holding them. Messages that do not
    /// fit <paramref name="maxBytes"/> (beyond the first batch) are given back uncounted. False when nothing is visible.
    /// </summary>
    public bool TryDeliver(long holder, int max, int maxBytes, long visibilityMs, Opcode opcode, FrameFlags flags, uint requestId, out DeliveryFrame frame)
    {
        frame = default;
        for (int round = 0; round < MaxDeliverRounds; round++)
        {
            if (_closed) return false;
            int room = max;
            if (Settings.AckMode == AckMode.Explicit) room = Math.Min(max, (int)Settings.MaxInFlight - Volatile.Read(ref _inFlight));
            if (room <= 0) return false;
            var ranges = RangeLists(_states.Length);
            int taken = Acquire(ranges, holder, room, visibilityMs, out bool scanBehind);
            if (taken == 0)
            {
                // A filtered subscription may have matching messages beyond what this round's scans reached.
                if (scanBehind) continue;
                return false;
            }
            frame = Build(ranges, maxBytes, opcode, flags, requestId, out int expired);
            for (int p = 0; p < ranges.Length; p++) ranges[p].Clear();
            if (frame.Messages == 0 && expired > 0)
            {
                // Everything taken had expired or was delayed: nothing to answer with yet, so try the messages behind them.
                BatchBuffers.Pool.Return(frame.Buffer);
                frame = default;
                continue;
            }
            Interlocked.Add(ref _delivered, frame.Messages);
            return true;
        }
        return false;
    }

    private int Acquire(List<DeliveryRange>[] ranges, long holder, int max, long visibilityMs, out bool scanBehind)
    {
        scanBehind = false;
        long now = NowMs;
        int taken = 0;
        int start = Interlocked.Increment(ref _rotation) & int.MaxValue;
        for (int k = 0; k < _states.Length && taken < max; k++)
        {
            int p = (start + k) % _states.Length;
            if (!_topic.Partitions[p].TryGetJournal(out var journal, out _)) continue;
            long end = journal.CommittedEndOffset;
            var state = _states[p];
            if (_filter is not null && ScanBehind(p, end))
            {
                Scan(p, InlineScanBytes);
                scanBehind |= ScanBehind(p, end);
            }
            if (state.Keys is not null) ReadKeysAhead(state, journal, end);
            lock (state.Gate)
            {
                DropBelowLogStartLocked(p, state, journal);
                int before = state.InFlight;
                long floor = state.Floor;
                taken += state.Acquire(now, end, max - taken, holder, visibilityMs, autoAck: false, ranges[p]);
                Interlocked.Add(ref _inFlight, state.InFlight - before);
                DrainLocked(p, state);
                NoteFloorLocked(p, state, floor);
            }
        }
        return taken;
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

    private DeliveryFrame Build(List<DeliveryRange>[] ranges, int maxBytes, Opcode opcode, FrameFlags flags, uint requestId, out int expired)
    {
        expired = 0;
        long now = NowMs;
        int prefix = FrameWriter.DeliveryPrefixSize;
        for (int p = 0; p < _states.Length; p++)
            if (ranges[p].Count > 0) prefix += FrameWriter.DeliverySectionPrefixSize(ranges[p].Count);
        int frameCap = FrameHeader.Size + _context.MaxFrameBytes;
        int batchBudget = Math.Clamp(maxBytes, 1, Math.Max(1, frameCap - prefix));
        byte[] buffer = BatchBuffers.Pool.Rent(Math.Min(prefix + batchBudget, prefix + (_filter is null ? 64 * 1024 : FilteredFirstRentBytes)));
        // Section prefixes not written yet: room the frame cap must keep for them.
        int prefixesLeft = prefix - FrameWriter.DeliveryPrefixSize;
        int batchBytesSoFar = 0;

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
            int reservedRanges = list.Count;
            int reserved = FrameWriter.DeliverySectionPrefixSize(reservedRanges);
            prefixesLeft -= reserved;
            // The batches read so far may have used the room the prefix was counted in: grow before writing past it.
            BatchBuffers.EnsureCapacity(ref buffer, at + reserved, at);
            at += reserved;
            int batchesAt = at;
            // Max bytes counts batch bytes only, across all sections; the frame keeps room for the later prefixes.
            int budgetEnd = Math.Min(batchesAt + Math.Max(0, batchBudget - batchBytesSoFar), frameCap - prefixesLeft);
            int kept = ReadSection(p, list, ref buffer, ref at, budgetEnd, emptyAt: messages == 0 ? batchesAt : -1, frameCap - prefixesLeft);
            if (kept < 0)
            {
                cut = true;
                kept = -kept - 1;
            }
            if (kept > 0) kept = DropExpired(p, list, kept, reservedRanges, buffer, batchesAt, ref at, frameCap - prefixesLeft, now, ref expired);
            if (kept == 0)
            {
                at = sectionAt;
                continue;
            }
            if (_filter is not null) TrimSection(list, kept, buffer, batchesAt, ref at);
            int batchBytes = at - batchesAt;
            batchBytesSoFar += batchBytes;
            int prefixBytes = FrameWriter.DeliverySectionPrefixSize(kept);
            if (prefixBytes != reserved)
            {
                // Fewer ranges than taken (the budget cut some), or more (expired messages split some).
                BatchBuffers.EnsureCapacity(ref buffer, sectionAt + prefixBytes + batchBytes, at);
                Buffer.BlockCopy(buffer, batchesAt, buffer, sectionAt + prefixBytes, batchBytes);
                at += prefixBytes - reserved;
            }
            FrameWriter.WriteDeliverySectionPrefix(buffer.AsSpan(sectionAt), p, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list)[..kept], batchBytes);
            for (int i = 0; i < kept; i++) messages += list[i].Count;
            if (Settings.AckMode == AckMode.None) AckDelivered(p, list, kept);
            sections++;
        }
        FrameWriter.WriteDeliveryPrefix(buffer, opcode, flags, requestId, at - FrameHeader.Size, sections);
        if (_filter is not null) ShrinkToFit(ref buffer, at);
        return new DeliveryFrame(buffer, at, messages);
    }

    // A filtered frame is built in a buffer sized for the whole stored batches it read, about ten times what it sends
    // after trimming. Frames wait in send queues (one per receive in flight), so keeping that buffer made the pool
    // hold one 2-4 MiB array per frame ever waiting at once (80 MiB after a routed drain). A copy in a buffer of the
    // frame's size sends the big one straight back: the pool then keeps about one per thread building frames.
    private static void ShrinkToFit(ref byte[] buffer, int length)
    {
        if (buffer.Length <= ShrinkAboveBytes || length > buffer.Length / 2) return;
        byte[] fitted = BatchBuffers.Pool.Rent(length);
        Buffer.BlockCopy(buffer, 0, fitted, 0, length);
        BatchBuffers.Pool.Return(buffer);
        buffer = fitted;
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
                    BatchBuffers.EnsureCapacity(ref buffer, at + Math.Max(room, RecordBatchHeader.Size), at);
                    failed = !TryRead(journal, need, buffer.AsSpan(at, Math.Max(room, RecordBatchHeader.Size)), out read);
                    // A batch larger than one read chunk is read on its own: whole, if it fits what is left of max
                    // bytes, or, as the first batch of the delivery, whatever its size (PROTOCOL.md section 5.15).
                    if (!failed && read.BytesWritten == 0 && read.RequiredBytes > 0 && at + read.RequiredBytes <= (first ? frameCap : budgetEnd))
                    {
                        BatchBuffers.EnsureCapacity(ref buffer, at + read.RequiredBytes, at);
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

    internal bool TryRead(PartitionJournal journal, long offset, Span<byte> destination, out JournalReadResult result)
    {
        try
        {
            result = journal.Read(offset, destination);
            return true;
        }
        catch (Exception ex) when (ex is JournalCorruptedException or IOException or ObjectDisposedException or ArgumentOutOfRangeException)
        {
            // Below the log start is retention racing this read, not a failure: the next look drops what is gone.
            if (offset < journal.StartOffset)
            {
                result = default;
                return false;
            }
            SubscriptionsLog.DeliveryReadFailed(_context.Logger, _topic.Name, Name, offset, ex);
            result = default;
            return false;
        }
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

    // Walks the section's batches (buffer[batchesAt..at)): delivered offsets whose record has expired are cut out of
    // the first `kept` ranges (splitting them) and settled, expired or dead-lettered; batches left holding no
    // delivered record are dropped from the frame. Returns how many ranges are left. Ranges the frame cap has no
    // room for once split are given back.
    private int DropExpired(int partition, List<DeliveryRange> list, int kept, int reservedRanges, byte[] buffer, int batchesAt,
        ref int at, int frameCap, long now, ref int expiredTotal)
    {
        // A filtered subscription's ranges cover about one record in ten of the batches read: the others are only
        // stepped over (the scan parsed them, and a record the scan could not parse is a delivered one).
        bool skipOthers = _filter is not null;
        var expired = t_expired ??= new List<long>(64);
        expired.Clear();
        ClearDeferred();
        int write = batchesAt;
        int read = batchesAt;
        int r = 0;
        while (read < at)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(read + RecordBatchHeader.LengthPosition));
            var reader = new RecordBatchReader(buffer.AsSpan(read, length));
            bool keep = false;
            RecordReadStatus status = RecordReadStatus.Ok;
            while (status == RecordReadStatus.Ok)
            {
                long offset = reader.NextOffset;
                while (r < kept && list[r].End <= offset) r++;
                if (r == kept) break;
                if (skipOthers && offset < list[r].First)
                {
                    status = reader.TrySkipNext();
                    continue;
                }
                status = reader.TryReadNext(out var record);
                if (status != RecordReadStatus.Ok || offset < list[r].First) continue;
                if (MessageExpiry.IsExpired(record, now)) expired.Add(offset);
                else if (NotDueYet(record, now)) expired.Add(offset);
                else keep = true;
            }
            // A batch that does not parse goes as it is: the client reports it.
            if (keep || status == RecordReadStatus.Malformed)
            {
                if (write != read) Buffer.BlockCopy(buffer, read, buffer, write, length);
                write += length;
            }
            read += length;
        }
        at = write;
        if (expired.Count == 0) return kept;

        var split = t_split ??= new List<DeliveryRange>(64);
        split.Clear();
        int e = 0;
        for (int i = 0; i < kept; i++)
        {
            var range = list[i];
            long first = range.First;
            while (e < expired.Count && expired[e] < range.End)
            {
                long gone = expired[e++];
                if (gone < first) continue;
                if (gone > first) split.Add(range with { First = first, Count = (int)(gone - first) });
                first = gone + 1;
            }
            if (first < range.End) split.Add(range with { First = first, Count = (int)(range.End - first) });
        }
        // Each range more than reserved costs its bytes in the section prefix: within the frame cap, or given back.
        int newKept = split.Count;
        while (newKept > reservedRanges && at + (newKept - reservedRanges) * DeliveryRange.Size > frameCap)
        {
            newKept--;
            GiveBack(partition, split, newKept, split[newKept].First);
            split.RemoveAt(newKept);
        }
        for (int i = 0; i < newKept; i++)
        {
            if (i < list.Count) list[i] = split[i];
            else list.Add(split[i]);
        }
        // Cut out together; delayed ones wait (SharedSubscription.Delay.cs), the rest are settled as expired.
        int deferred = DeferCut(partition, expired);
        if (expired.Count > 0) SettleExpired(partition, expired);
        expiredTotal += expired.Count + deferred;
        return newKept;
    }

    // Expired messages just taken: dead-lettered with reason `expired`, or acked and counted as expired.
    private void SettleExpired(int partition, List<long> offsets)
    {
        var state = _states[partition];
        int dropped = 0;
        lock (state.Gate)
        {
            int before = state.InFlight;
            long floor = state.Floor;
            foreach (long offset in offsets)
            {
                if (Settings.DeadLetterExpired) state.DeadLetterExpired(offset);
                else dropped += state.Ack(offset, 1, (_log, partition), LogAckRun);
            }
            Interlocked.Add(ref _inFlight, state.InFlight - before);
            DrainLocked(partition, state);
            NoteFloorLocked(partition, state, floor);
        }
        if (dropped > 0) Interlocked.Add(ref _expired, dropped);
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
