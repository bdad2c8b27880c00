namespace FastBroker.Wire.Messages;

/// <summary>A parsed Fetch response.</summary>
public readonly ref struct FetchResponse
{
    /// <summary>Lowest offset still stored in the partition.</summary>
    public long LogStartOffset { get; init; }
    /// <summary>Offset the next published record will get (the end of acknowledged data).</summary>
    public long LogEndOffset { get; init; }
    /// <summary>Zero or more whole record batches; the first may start below the requested offset.</summary>
    public ReadOnlySpan<byte> Batches { get; init; }

    /// <summary>Parses a body; false when the prefix is short.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out FetchResponse response)
    {
        var r = new SpanReader(body);
        long start = 0, end = 0;
        bool ok = r.TryReadInt64(out start) && r.TryReadInt64(out end);
        response = new FetchResponse { LogStartOffset = start, LogEndOffset = end, Batches = ok ? r.Remaining : default };
        return ok;
    }
}
