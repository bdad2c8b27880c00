using System.Buffers.Binary;

namespace FastBroker.Wire.Records;

/// <summary>Reads the records of one encoded batch in place, without allocating.</summary>
public ref struct RecordBatchReader
{
    private readonly ReadOnlySpan<byte> _batch;
    private readonly long _baseOffset;
    private readonly long _firstTimestamp;
    private int _position;
    private int _index;

    /// <summary>Starts at the first record of <paramref name="batch"/>, which must hold at least a header.</summary>
    public RecordBatchReader(ReadOnlySpan<byte> batch)
    {
        _batch = batch;
        _baseOffset = BinaryPrimitives.ReadInt64LittleEndian(batch);
        _firstTimestamp = BinaryPrimitives.ReadInt64LittleEndian(batch[24..]);
        _position = RecordBatchHeader.Size;
        _index = 0;
    }

    /// <summary>The offset of the record the next read or skip reaches (base offset plus its index in the batch).</summary>
    public readonly long NextOffset => _baseOffset + _index;

    /// <summary>
    /// Steps over the next record by its length field alone, without parsing its key or headers: for callers that
    /// need only some records of a batch. <see cref="RecordReadStatus.Malformed"/> when the length does not fit the
    /// batch; a record whose body does not parse is not detected here.
    /// </summary>
    public RecordReadStatus TrySkipNext()
    {
        if (_position == _batch.Length) return RecordReadStatus.End;
        if (_batch.Length - _position < 4) return RecordReadStatus.Malformed;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_batch[_position..]);
        if (length > (uint)(_batch.Length - _position - 4)) return RecordReadStatus.Malformed;
        _position += 4 + (int)length;
        _index++;
        return RecordReadStatus.Ok;
    }

    /// <summary>Reads the next record.</summary>
    public RecordReadStatus TryReadNext(out Record record) => TryReadNext(out record, out _);

    /// <summary>Reads the next record and reports its encoded size (after its length field).</summary>
    public RecordReadStatus TryReadNext(out Record record, out int recordBytes)
    {
        record = default;
        recordBytes = 0;
        if (_position == _batch.Length) return RecordReadStatus.End;

        var reader = new SpanReader(_batch[_position..]);
        if (!reader.TryReadUInt32(out uint length) || length > (uint)reader.Remaining.Length)
            return RecordReadStatus.Malformed;

        var body = new SpanReader(reader.Remaining[..(int)length]);
        if (!body.TryReadUInt32(out uint timestampDelta) || !body.TryReadUInt32(out uint keyLengthRaw))
            return RecordReadStatus.Malformed;

        int keyLength = (int)keyLengthRaw;
        bool hasKey = keyLength != -1;
        ReadOnlySpan<byte> key = default;
        if (hasKey)
        {
            if (keyLength < 0 || keyLength > body.Remaining.Length) return RecordReadStatus.Malformed;
            key = body.Remaining[..keyLength];
            body = new SpanReader(body.Remaining[keyLength..]);
        }

        if (!body.TryReadUInt16(out ushort headerCount)) return RecordReadStatus.Malformed;
        var headersStart = body.Remaining;
        for (int i = 0; i < headerCount; i++)
        {
            if (!body.TryReadString(out _) || !body.TryReadBlob(out _)) return RecordReadStatus.Malformed;
        }
        var headers = headersStart[..(headersStart.Length - body.Remaining.Length)];

        record = new Record(_baseOffset + _index, _firstTimestamp + timestampDelta, hasKey, key, headerCount, headers, body.Remaining);
        recordBytes = (int)length;
        _position += 4 + (int)length;
        _index++;
        return RecordReadStatus.Ok;
    }
}
