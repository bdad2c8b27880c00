namespace FastBroker.Wire.Messages;

/// <summary>
/// Walks a TopicMetadata response (u32 count, then (i64 log start, i64 log end) per partition, then a 16-byte topic
/// id when the request asked for it) in place.
/// </summary>
public ref struct TopicMetadataResponseReader
{
    private SpanReader _reader;
    private uint _left;

    /// <summary>Starts reading a response without an id; false unless the body holds exactly the declared number of partitions.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, out TopicMetadataResponseReader reader) => TryCreate(body, withId: false, out reader);

    /// <summary>Starts reading; <paramref name="withId"/> says whether the request set <see cref="TopicQueryFlags.WithTopicIds"/>.
    /// False unless the body holds exactly the declared number of partitions (and the id).</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, bool withId, out TopicMetadataResponseReader reader)
    {
        reader = default;
        var r = new SpanReader(body);
        int idBytes = withId ? TopicIds.Size : 0;
        if (!r.TryReadUInt32(out uint count) || (ulong)count * 16 + (ulong)idBytes != (ulong)r.Remaining.Length) return false;
        reader = new TopicMetadataResponseReader
        {
            _reader = r,
            _left = count,
            TopicId = withId ? TopicIds.Read(body[^TopicIds.Size..]) : Guid.Empty,
        };
        return true;
    }

    /// <summary>The partition count.</summary>
    public readonly int Count => (int)_left;

    /// <summary>The topic's id, or <see cref="Guid.Empty"/> when the response carries none.</summary>
    public Guid TopicId { readonly get; private set; }

    /// <summary>Reads the next partition's range; false at the end.</summary>
    public bool TryReadNext(out long logStartOffset, out long logEndOffset)
    {
        logStartOffset = logEndOffset = 0;
        if (_left == 0 || !_reader.TryReadInt64(out logStartOffset) || !_reader.TryReadInt64(out logEndOffset)) return false;
        _left--;
        return true;
    }
}
