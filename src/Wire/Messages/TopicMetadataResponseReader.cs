namespace FastBroker.Wire.Messages;

/// <summary>
/// Walks a TopicMetadata response (u32 count, then (i64 log start, i64 log end) per partition, then a 16-byte topic
/// id when the request asked for it, then the retention (i64 ms, i64 bytes, u8 source) when it asked for that) in place.
/// </summary>
public ref struct TopicMetadataResponseReader
{
    /// <summary>Bytes of the retention fields at the end of a response to <see cref="TopicQueryFlags.WithRetention"/>.</summary>
    public const int RetentionSize = 17;

    /// <summary>Bytes of the dedup window fields at the end of a response to <see cref="TopicQueryFlags.WithDedupWindow"/>.</summary>
    public const int DedupWindowSize = 9;

    private SpanReader _reader;
    private uint _left;

    /// <summary>Starts reading a response without an id; false unless the body holds exactly the declared number of partitions.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, out TopicMetadataResponseReader reader) => TryCreate(body, withId: false, out reader);

    /// <summary>Starts reading; <paramref name="withId"/> says whether the request set <see cref="TopicQueryFlags.WithTopicIds"/>.
    /// False unless the body holds exactly the declared number of partitions (and the id).</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, bool withId, out TopicMetadataResponseReader reader)
        => TryCreate(body, withId, withRetention: false, out reader);

    /// <summary>Starts reading a response to a request with the given flags; false unless the body holds exactly the
    /// declared number of partitions and the fields asked for.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, bool withId, bool withRetention, out TopicMetadataResponseReader reader)
        => TryCreate(body, withId, withRetention, withDedupWindow: false, out reader);

    /// <summary>Starts reading a response to a request with the given flags; false unless the body holds exactly the
    /// declared number of partitions and the fields asked for.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, bool withId, bool withRetention, bool withDedupWindow, out TopicMetadataResponseReader reader)
    {
        reader = default;
        var r = new SpanReader(body);
        int idBytes = withId ? TopicIds.Size : 0;
        int retentionBytes = (withRetention ? RetentionSize : 0) + (withDedupWindow ? DedupWindowSize : 0);
        if (!r.TryReadUInt32(out uint count) || (ulong)count * 16 + (ulong)idBytes + (ulong)retentionBytes != (ulong)r.Remaining.Length) return false;
        var tail = new SpanReader(body[(body.Length - idBytes - retentionBytes)..]);
        var id = Guid.Empty;
        if (withId) tail.TryReadTopicId(out id);
        long ms = 0, bytes = 0;
        byte source = 0;
        if (withRetention)
        {
            tail.TryReadInt64(out ms);
            tail.TryReadInt64(out bytes);
            tail.TryReadByte(out source);
        }
        long window = 0;
        byte own = 0;
        if (withDedupWindow)
        {
            tail.TryReadInt64(out window);
            tail.TryReadByte(out own);
        }
        reader = new TopicMetadataResponseReader
        {
            DedupWindowMs = window,
            DedupWindowIsOwn = own != 0,
            _reader = r,
            _left = count,
            TopicId = id,
            RetentionMs = ms,
            RetentionBytes = bytes,
            RetentionSource = (RetentionSource)source,
        };
        return true;
    }

    /// <summary>The partition count.</summary>
    public readonly int Count => (int)_left;

    /// <summary>The topic's id, or <see cref="Guid.Empty"/> when the response carries none.</summary>
    public Guid TopicId { readonly get; private set; }

    /// <summary>The effective retention age in ms (0 = unlimited); 0 when the response carries no retention.</summary>
    public long RetentionMs { readonly get; private set; }

    /// <summary>The effective retention size in bytes per partition (0 = unlimited); 0 when the response carries no retention.</summary>
    public long RetentionBytes { readonly get; private set; }

    /// <summary>Which retention values are the topic's own rather than the broker's defaults.</summary>
    public RetentionSource RetentionSource { readonly get; private set; }

    /// <summary>The effective deduplication window in ms (0 = off); 0 when the response carries none.</summary>
    public long DedupWindowMs { readonly get; private set; }

    /// <summary>True when the window is the topic's own rather than the broker's default.</summary>
    public bool DedupWindowIsOwn { readonly get; private set; }

    /// <summary>Reads the next partition's range; false at the end.</summary>
    public bool TryReadNext(out long logStartOffset, out long logEndOffset)
    {
        logStartOffset = logEndOffset = 0;
        if (_left == 0 || !_reader.TryReadInt64(out logStartOffset) || !_reader.TryReadInt64(out logEndOffset)) return false;
        _left--;
        return true;
    }
}
