namespace FastBroker.Wire.Messages;

/// <summary>A parsed Fetch request.</summary>
public readonly ref struct FetchRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>Partition index as sent (u32).</summary>
    public uint Partition { get; init; }
    /// <summary>First offset wanted.</summary>
    public long Offset { get; init; }
    /// <summary>Soft cap on batch bytes in the response; at least one whole batch is always returned.</summary>
    public uint MaxBytes { get; init; }
    /// <summary>How long to wait for data when the offset is at the log end.</summary>
    public uint MaxWaitMs { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out FetchRequest request)
    {
        var r = new SpanReader(body);
        uint partition = 0, maxBytes = 0, maxWait = 0;
        long offset = 0;
        bool ok = r.TryReadString(out var topic) && r.TryReadUInt32(out partition) && r.TryReadInt64(out offset)
                  && r.TryReadUInt32(out maxBytes) && r.TryReadUInt32(out maxWait) && r.End;
        request = new FetchRequest { Topic = topic, Partition = partition, Offset = offset, MaxBytes = maxBytes, MaxWaitMs = maxWait };
        return ok;
    }
}
