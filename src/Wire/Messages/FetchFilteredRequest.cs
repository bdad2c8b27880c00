namespace FastBroker.Wire.Messages;

/// <summary>A parsed FetchFiltered request: a Fetch (PROTOCOL.md section 5.8) plus the filter's text.</summary>
public readonly ref struct FetchFilteredRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>Partition index as sent (u32).</summary>
    public uint Partition { get; init; }
    /// <summary>First offset to examine.</summary>
    public long Offset { get; init; }
    /// <summary>Soft cap on batch bytes in the response; the first batch with a match is always returned.</summary>
    public uint MaxBytes { get; init; }
    /// <summary>How long to wait for a match once the log end is reached.</summary>
    public uint MaxWaitMs { get; init; }
    /// <summary>The filter's text as sent: UTF-8, not yet checked (the broker parses it).</summary>
    public ReadOnlySpan<byte> Filter { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out FetchFilteredRequest request)
    {
        var r = new SpanReader(body);
        uint partition = 0, maxBytes = 0, maxWait = 0;
        long offset = 0;
        ReadOnlySpan<byte> filter = default;
        bool ok = r.TryReadString(out var topic) && r.TryReadUInt32(out partition) && r.TryReadInt64(out offset)
                  && r.TryReadUInt32(out maxBytes) && r.TryReadUInt32(out maxWait) && r.TryReadString(out filter) && r.End;
        request = new FetchFilteredRequest
        {
            Topic = topic, Partition = partition, Offset = offset, MaxBytes = maxBytes, MaxWaitMs = maxWait, Filter = filter,
        };
        return ok;
    }
}
