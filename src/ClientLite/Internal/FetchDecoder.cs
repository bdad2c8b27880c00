using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Internal;

/// <summary>
/// Turns one fetch's batches into a reusable table of record positions, so a reader can hand out records one at
/// a time across awaits (where the span-based <see cref="RecordBatchReader"/> cannot live) without allocating.
/// </summary>
internal sealed class FetchDecoder
{
    private RecordSlot[] _slots = new RecordSlot[256];

    public int Count { get; private set; }

    public ref readonly RecordSlot this[int index] => ref _slots[index];

    /// <summary>
    /// Decodes every record at or above <paramref name="fromOffset"/>; <paramref name="nextOffset"/> is the offset
    /// after the last one (or <paramref name="fromOffset"/> when there is none). Returns false with a reason when
    /// a batch is truncated, fails its CRC or does not parse.
    /// </summary>
    public bool TryDecode(ReadOnlySpan<byte> batches, long fromOffset, out long nextOffset, out string? problem)
    {
        Count = 0;
        nextOffset = fromOffset;
        problem = null;
        int position = 0;
        while (position < batches.Length)
        {
            if (!CheckedBatches.TryTake(batches[position..], out var batch, out problem))
                return false;

            var reader = new RecordBatchReader(batch);
            RecordReadStatus status;
            while ((status = reader.TryReadNext(out var record)) == RecordReadStatus.Ok)
            {
                if (record.Offset < fromOffset)
                    continue;
                Add(RecordSlot.Of(record, batches));
                nextOffset = record.Offset + 1;
            }
            if (status == RecordReadStatus.Malformed)
            {
                problem = $"a malformed record in the batch at offset {RecordBatch.ReadBaseOffset(batch)}";
                return false;
            }
            position += batch.Length;
        }
        return true;
    }

    /// <summary>Empties the table, for a decoder that fills it through <see cref="Add"/> (<see cref="FilteredFetchDecoder"/>).</summary>
    internal void Clear() => Count = 0;

    internal void Add(in RecordSlot slot)
    {
        if (Count == _slots.Length)
            Array.Resize(ref _slots, _slots.Length * 2);
        _slots[Count++] = slot;
    }
}
