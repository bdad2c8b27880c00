using System.Buffers.Binary;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Topics.Dedup;

/// <summary>
/// One partition's deduplication ids (PROTOCOL.md 6.8): the window in force and the <see cref="DedupIndex"/> of ids
/// stored within it. The writer loop checks each batch (<see cref="Filter"/>) before appending it; ids of a batch are
/// remembered as it is checked, so a later record of the same batch or group sees them, and forgotten again
/// (<see cref="DedupIndex.RollbackTo"/>) when the batch or its group is not stored. Only the window is set from other
/// threads. A batch without duplicates costs one walk over its records' headers and allocates nothing.
/// </summary>
internal sealed class PartitionDedup(int maxIds, long maxIdBytes)
{
    private readonly DedupIndex _index = new(maxIds, maxIdBytes);
    private long _windowMs;
    private long _batchMark;
    private int _kept;
    private int _dupCount;
    private int[] _dupRecord = [];
    private long[] _dupOffset = [];
    private bool[] _dupPending = [];
    private long _dropped;

    /// <summary>The window in ms; 0 is off. Any thread.</summary>
    public long WindowMs
    {
        get => Volatile.Read(ref _windowMs);
        set => Volatile.Write(ref _windowMs, Math.Max(value, 0));
    }

    /// <summary>Records dropped as duplicates since the partition opened. Any thread.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>The index (writer loop and tests).</summary>
    public DedupIndex Index => _index;

    /// <summary>Records the last <see cref="Filter"/> kept.</summary>
    public int Kept => _kept;

    /// <summary>Duplicates the last <see cref="Filter"/> found.</summary>
    public int Duplicates => _dupCount;

    /// <summary>Sweeps ids out of the window; at the start of each group.</summary>
    public void BeginGroup(long nowMs)
    {
        long window = WindowMs;
        if (window > 0) _index.Expire(nowMs, window);
    }

    /// <summary>
    /// Checks the records of a validated batch and remembers their new ids (offsets to be fixed by
    /// <see cref="Stored"/>). On <see cref="DedupOutcome.Refused"/> nothing is remembered and <paramref name="refusal"/>
    /// says why.
    /// </summary>
    public DedupOutcome Filter(ReadOnlySpan<byte> batch, long nowMs, out string? refusal)
    {
        refusal = null;
        long window = WindowMs;
        _batchMark = _index.Mark;
        _dupCount = 0;
        _kept = 0;
        int record = 0;
        int position = RecordBatchHeader.Size;
        while (position < batch.Length)
        {
            int bodyEnd = RecordBounds(batch, position, out var headers, out int headerCount);
            if (DedupId.TryFind(headers, headerCount, out var id))
            {
                if (!DedupId.IsValid(id))
                {
                    _index.RollbackTo(_batchMark);
                    _dupCount = 0;
                    refusal = $"record {record} has an {DedupId.HeaderName} of {id.Length} bytes; an id is 1 to {DedupId.MaxBytes} bytes; nothing was stored";
                    return DedupOutcome.Refused;
                }
                int hash = DedupIndex.Hash(id);
                if (_index.TryFind(id, hash, nowMs, window, out long offset, out long seq))
                    AddDuplicate(record, offset, pending: seq >= _batchMark);
                else
                    _index.Add(id, hash, nowMs, _kept++);
            }
            else
            {
                _kept++;
            }
            record++;
            position = bodyEnd;
        }
        if (_dupCount == 0) return DedupOutcome.Unchanged;
        return _kept == 0 ? DedupOutcome.AllDuplicates : DedupOutcome.Trimmed;
    }

    /// <summary>Marks a batch that is not filtered (stored whole, its ids not remembered), so that
    /// <see cref="Stored"/> and <see cref="ForgetBatch"/> leave the ids of earlier batches alone.</summary>
    public void SkipBatch()
    {
        _batchMark = _index.Mark;
        _dupCount = 0;
    }

    /// <summary>Forgets the ids of the last <see cref="Filter"/>ed batch (it is not stored after all).</summary>
    public void ForgetBatch() => _index.RollbackTo(_batchMark);

    /// <summary>
    /// Writes the kept records of the batch the last <see cref="Filter"/> trimmed into <paramref name="destination"/>
    /// (at least the batch's length) as one batch: the header as published with the new length, record count and CRC;
    /// an idempotent batch's base sequence moves up so its range still ends at the published last sequence.
    /// Returns its length.
    /// </summary>
    public int WriteTrimmed(ReadOnlySpan<byte> batch, Span<byte> destination)
    {
        batch[..RecordBatchHeader.Size].CopyTo(destination);
        int length = RecordBatchHeader.Size;
        int record = 0;
        int next = 0;
        int position = RecordBatchHeader.Size;
        while (position < batch.Length)
        {
            int end = position + 4 + (int)BinaryPrimitives.ReadUInt32LittleEndian(batch[position..]);
            if (next < _dupCount && _dupRecord[next] == record)
            {
                next++;
            }
            else
            {
                batch[position..end].CopyTo(destination[length..]);
                length += end - position;
            }
            record++;
            position = end;
        }
        var trimmed = destination[..length];
        BinaryPrimitives.WriteUInt32LittleEndian(trimmed[RecordBatchHeader.LengthPosition..], (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(trimmed[RecordBatchHeader.RecordCountPosition..], (uint)_kept);
        if (BinaryPrimitives.ReadInt64LittleEndian(trimmed[40..]) >= 0)
        {
            int baseSequence = BinaryPrimitives.ReadInt32LittleEndian(trimmed[48..]);
            long last = ((long)baseSequence + RecordBatch.ReadRecordCount(batch) - 1) % ((long)int.MaxValue + 1);
            long moved = (last - (_kept - 1) + int.MaxValue + 1L) % ((long)int.MaxValue + 1);
            BinaryPrimitives.WriteInt32LittleEndian(trimmed[48..], (int)moved);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(trimmed[RecordBatchHeader.CrcPosition..], RecordBatch.ComputeCrc(trimmed));
        return length;
    }

    /// <summary>The last <see cref="Filter"/>ed batch's kept records were stored from <paramref name="baseOffset"/>.</summary>
    public void Stored(long baseOffset) => _index.ShiftOffsets(_batchMark, baseOffset);

    /// <summary>The duplicates of the last <see cref="Filter"/>ed batch, for its answer; <paramref name="baseOffset"/>
    /// is where its kept records were stored (−1 when none were). Allocates: only batches with duplicates get here.</summary>
    public PublishDuplicate[] TakeDuplicates(long baseOffset)
    {
        var duplicates = new PublishDuplicate[_dupCount];
        for (int i = 0; i < _dupCount; i++)
            duplicates[i] = new PublishDuplicate(_dupRecord[i], _dupPending[i] ? baseOffset + _dupOffset[i] : _dupOffset[i]);
        Interlocked.Add(ref _dropped, _dupCount);
        return duplicates;
    }

    /// <summary>Remembers the ids of a batch found in the journal when the partition opens (oldest first), as stored
    /// at <paramref name="storedMs"/> (the batch's max timestamp).</summary>
    public void Observe(ReadOnlySpan<byte> batch, long storedMs)
    {
        long window = WindowMs;
        long baseOffset = RecordBatch.ReadBaseOffset(batch);
        int record = 0;
        int position = RecordBatchHeader.Size;
        while (position <= batch.Length - 14)
        {
            int bodyEnd = RecordBounds(batch, position, out var headers, out int headerCount);
            if (bodyEnd > batch.Length) return;
            if (DedupId.TryFind(headers, headerCount, out var id) && DedupId.IsValid(id))
            {
                int hash = DedupIndex.Hash(id);
                if (!_index.TryFind(id, hash, storedMs, window, out _, out _))
                    _index.Add(id, hash, storedMs, baseOffset + record);
            }
            record++;
            position = bodyEnd;
        }
    }

    // A validated record: its end, and its headers (from the first header to the end of the record).
    private static int RecordBounds(ReadOnlySpan<byte> batch, int position, out ReadOnlySpan<byte> headers, out int headerCount)
    {
        int body = position + 4;
        int bodyEnd = body + (int)BinaryPrimitives.ReadUInt32LittleEndian(batch[position..]);
        int keyLength = BinaryPrimitives.ReadInt32LittleEndian(batch[(body + 4)..]);
        int cursor = body + 8 + Math.Max(keyLength, 0);
        if (bodyEnd > batch.Length || cursor + 2 > bodyEnd)
        {
            headers = default;
            headerCount = 0;
            return batch.Length + 1;
        }
        headerCount = BinaryPrimitives.ReadUInt16LittleEndian(batch[cursor..]);
        headers = batch[(cursor + 2)..bodyEnd];
        return bodyEnd;
    }

    private void AddDuplicate(int record, long offset, bool pending)
    {
        if (_dupCount == _dupRecord.Length)
        {
            int size = Math.Max(8, _dupCount * 2);
            Array.Resize(ref _dupRecord, size);
            Array.Resize(ref _dupOffset, size);
            Array.Resize(ref _dupPending, size);
        }
        _dupRecord[_dupCount] = record;
        _dupOffset[_dupCount] = offset;
        _dupPending[_dupCount] = pending;
        _dupCount++;
    }
}
