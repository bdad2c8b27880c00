using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Internal;

/// <summary>
/// Decodes a filtered fetch (PROTOCOL.md section 5.8.1) into a <see cref="FetchDecoder"/>'s table: only the records
/// whose offsets are in the result's ranges, skipping the other records the stored batches hold.
/// </summary>
internal static class FilteredFetchDecoder
{
    /// <summary>False with a reason when a batch is truncated, fails its CRC, does not parse, or the batches do not
    /// hold every offset of the ranges.</summary>
    public static bool TryDecode(FetchDecoder table, FetchResult result, out string? problem)
    {
        table.Clear();
        problem = null;
        var batches = result.Batches.Span;
        int rangeIndex = 0;
        var range = result.RangeCount > 0 ? result.GetRange(0) : default;
        long expected = 0;
        for (int i = 0; i < result.RangeCount; i++)
            expected += result.GetRange(i).Count;

        int position = 0;
        while (position < batches.Length)
        {
            if (!CheckedBatches.TryTake(batches[position..], out var batch, out problem))
                return false;

            var reader = new RecordBatchReader(batch);
            RecordReadStatus status;
            while ((status = reader.TryReadNext(out var record)) == RecordReadStatus.Ok)
            {
                // Ranges ascend, as the records do: move to the first range that does not end at or before this offset.
                while (rangeIndex < result.RangeCount && range.End <= record.Offset)
                    range = ++rangeIndex < result.RangeCount ? result.GetRange(rangeIndex) : default;
                if (rangeIndex == result.RangeCount || !range.Contains(record.Offset))
                    continue;
                table.Add(RecordSlot.Of(record, batches));
            }
            if (status == RecordReadStatus.Malformed)
            {
                problem = $"a malformed record in the batch at offset {RecordBatch.ReadBaseOffset(batch)}";
                return false;
            }
            position += batch.Length;
        }
        if (table.Count != expected)
        {
            problem = $"batches holding {table.Count} of the {expected} offsets its ranges list";
            return false;
        }
        return true;
    }
}
