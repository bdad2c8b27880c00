namespace FastBroker.Wire.Records;

/// <summary>Walks the encoded headers of one record: (u16 name length, UTF-8 name, u32 value length, value)*.</summary>
public ref struct RecordHeaderReader
{
    private SpanReader _reader;

    /// <summary>Reads headers from <see cref="Record.Headers"/>.</summary>
    public RecordHeaderReader(ReadOnlySpan<byte> headers) => _reader = new SpanReader(headers);

    /// <summary>Reads the next header; false at the end or on malformed bytes.</summary>
    public bool TryReadNext(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        value = default;
        return _reader.TryReadString(out name) && _reader.TryReadBlob(out value);
    }
}
