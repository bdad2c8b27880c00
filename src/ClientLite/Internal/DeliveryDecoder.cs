using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Internal;

/// <summary>
/// Turns a delivery body (a Receive response or a Deliver push) into messages: only the offsets its ranges list,
/// each with its range's delivery count, ordered by partition then offset. The batches are whole stored batches,
/// so records around the delivered ones are skipped.
/// </summary>
/// <remarks>
/// The delivered messages' keys, values and headers are copied into one array per delivery, which the messages
/// slice. Messages outlive the frame buffer by an unknown time (a handler may hold one for minutes), so pooled
/// memory would need a reference count per delivery; one exact-size array costs a single allocation per delivery
/// and never a use-after-return. Two passes: the first checks every batch and sizes that array, the second copies.
/// </remarks>
internal static class DeliveryDecoder
{
    /// <summary>
    /// Decodes <paramref name="body"/>. Returns <see cref="DeliveryStatus.Malformed"/> when the body does not follow
    /// the delivery grammar, <see cref="DeliveryStatus.Corrupt"/> (with a reason) when a batch fails its CRC, does
    /// not parse, or lacks a delivered offset.
    /// </summary>
    public static DeliveryStatus Decode(ReadOnlySpan<byte> body, QueueConsumer consumer, PushSubscription? push,
        out QueueMessage[] messages, out string? problem)
    {
        messages = [];
        problem = null;
        if (!DeliveryReader.TryCreate(body, out var reader))
            return DeliveryStatus.Malformed;

        int count = 0;
        long dataBytes = 0;
        while (reader.TryReadSection(out var section))
        {
            if (!TryMeasure(section, ref count, ref dataBytes, out problem))
                return DeliveryStatus.Corrupt;
        }
        if (count == 0)
            return DeliveryStatus.Ok;
        if (dataBytes > Array.MaxLength)
        {
            problem = $"a delivery of {dataBytes} bytes";
            return DeliveryStatus.Corrupt;
        }

        var data = new byte[dataBytes];
        messages = new QueueMessage[count];
        int written = 0, next = 0;
        DeliveryReader.TryCreate(body, out reader);
        while (reader.TryReadSection(out var section))
            Copy(section, consumer, push, data, messages, ref next, ref written);

        if (!IsOrdered(messages))
            Array.Sort(messages, static (a, b) => a.Partition != b.Partition ? a.Partition.CompareTo(b.Partition) : a.Offset.CompareTo(b.Offset));
        return DeliveryStatus.Ok;
    }

    private static bool TryMeasure(in DeliverySection section, ref int count, ref long dataBytes, out string? problem)
    {
        problem = null;
        long expected = 0;
        for (int i = 0; i < section.RangeCount; i++)
            expected += section.GetRange(i).Count;

        long found = 0;
        bool ascending = RangesAscending(section);
        int hint = 0;
        var batches = section.Batches;
        int position = 0;
        while (position < batches.Length)
        {
            if (!CheckedBatches.TryTake(batches[position..], out var batch, out problem, section.Partition))
                return false;
            int length = batch.Length;
            var records = new RecordBatchReader(batch);
            RecordReadStatus status;
            while ((status = records.TryReadNext(out var record)) == RecordReadStatus.Ok)
            {
                if (FindDeliveryCount(section, record.Offset, ascending, ref hint) < 0)
                    continue;
                found++;
                dataBytes += record.Key.Length + record.Headers.Length + record.Value.Length;
            }
            if (status == RecordReadStatus.Malformed)
            {
                problem = $"a malformed record in the batch at offset {RecordBatch.ReadBaseOffset(batch)} of partition {section.Partition}";
                return false;
            }
            position += length;
        }
        if (found != expected)
        {
            problem = $"partition {section.Partition} delivered {expected} offsets but its batches hold {found} of them";
            return false;
        }
        count = checked(count + (int)found);
        return true;
    }

    private static void Copy(in DeliverySection section, QueueConsumer consumer, PushSubscription? push, byte[] data,
        QueueMessage[] messages, ref int next, ref int written)
    {
        bool ascending = RangesAscending(section);
        int hint = 0;
        var batches = section.Batches;
        int position = 0;
        while (position < batches.Length)
        {
            RecordBatch.TryReadLength(batches[position..], int.MaxValue, out int length);
            var records = new RecordBatchReader(batches.Slice(position, length));
            while (records.TryReadNext(out var record) == RecordReadStatus.Ok)
            {
                int deliveryCount = FindDeliveryCount(section, record.Offset, ascending, ref hint);
                if (deliveryCount < 0)
                    continue;
                var key = Place(data, record.Key, ref written);
                var headers = Place(data, record.Headers, ref written);
                var value = Place(data, record.Value, ref written);
                messages[next++] = new QueueMessage(consumer, push, section.Partition, record.Offset, record.Timestamp,
                    record.HasKey, key, value, headers, record.HeaderCount, deliveryCount);
            }
            position += length;
        }
    }

    private static ReadOnlyMemory<byte> Place(byte[] data, ReadOnlySpan<byte> part, ref int written)
    {
        if (part.IsEmpty)
            return ReadOnlyMemory<byte>.Empty;
        part.CopyTo(data.AsSpan(written));
        var placed = new ReadOnlyMemory<byte>(data, written, part.Length);
        written += part.Length;
        return placed;
    }

    /// <summary>
    /// The delivery count of <paramref name="offset"/>, or -1 when no range holds it: a binary search when the
    /// ranges are in ascending order without overlap (as brokers send them), a scan otherwise. Records come in offset
    /// order, so <paramref name="hint"/> (the range the previous lookup ended at) or the one after it usually settles
    /// the lookup at once: a filtered delivery lists a range per few records, and a search per record showed in
    /// profiles of routed runs.
    /// </summary>
    private static int FindDeliveryCount(in DeliverySection section, long offset, bool ascending, ref int hint)
    {
        int low = 0, high = section.RangeCount - 1;
        if (!ascending)
        {
            for (int i = 0; i <= high; i++)
            {
                var range = section.GetRange(i);
                if (offset >= range.First && offset < range.End)
                    return range.DeliveryCount;
            }
            return -1;
        }
        if (hint <= high)
        {
            var range = section.GetRange(hint);
            if (offset >= range.First)
            {
                if (offset < range.End)
                    return range.DeliveryCount;
                if (hint == high)
                    return -1;
                var next = section.GetRange(hint + 1);
                // Between two ascending ranges that do not overlap: in none.
                if (offset < next.First)
                    return -1;
                if (offset < next.End)
                {
                    hint++;
                    return next.DeliveryCount;
                }
            }
        }
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            var range = section.GetRange(middle);
            if (offset < range.First)
                high = middle - 1;
            else if (offset >= range.End)
                low = middle + 1;
            else
            {
                hint = middle;
                return range.DeliveryCount;
            }
        }
        // The last range starting at or below the offset, where the next record's lookup begins.
        hint = Math.Max(high, 0);
        return -1;
    }

    private static bool RangesAscending(in DeliverySection section)
    {
        for (int i = 1; i < section.RangeCount; i++)
        {
            if (section.GetRange(i).First < section.GetRange(i - 1).End)
                return false;
        }
        return true;
    }

    private static bool IsOrdered(QueueMessage[] messages)
    {
        for (int i = 1; i < messages.Length; i++)
        {
            var (a, b) = (messages[i - 1], messages[i]);
            if (a.Partition > b.Partition || (a.Partition == b.Partition && a.Offset >= b.Offset))
                return false;
        }
        return true;
    }
}
