namespace FastBroker.Wire.Messages;

/// <summary>A parsed Error frame (PROTOCOL.md section 5.11).</summary>
/// <remarks>
/// <c>u16 code, string message</c>, then, only with <see cref="ErrorCode.OffsetOutOfRange"/> and optional,
/// <c>i64 log start, i64 log end</c> of the partition the fetch asked for.
/// </remarks>
public readonly ref struct ErrorResponse
{
    /// <summary>What went wrong.</summary>
    public ErrorCode Code { get; init; }
    /// <summary>Human-readable detail, UTF-8.</summary>
    public ReadOnlySpan<byte> Message { get; init; }
    /// <summary>True when the frame carries the partition's offsets (an OffsetOutOfRange from a broker that sends them).</summary>
    public bool HasOffsets { get; init; }
    /// <summary>The partition's log start when <see cref="HasOffsets"/>; otherwise -1.</summary>
    public long LogStartOffset { get; init; }
    /// <summary>The partition's log end when <see cref="HasOffsets"/>; otherwise -1.</summary>
    public long LogEndOffset { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out ErrorResponse response)
    {
        var r = new SpanReader(body);
        ushort code = 0;
        ReadOnlySpan<byte> message = default;
        long start = -1, end = -1;
        bool ok = r.TryReadUInt16(out code) && r.TryReadString(out message);
        bool withOffsets = ok && !r.End;
        ok = ok && (r.End || ((ErrorCode)code == ErrorCode.OffsetOutOfRange && r.TryReadInt64(out start) && r.TryReadInt64(out end) && r.End));
        response = new ErrorResponse
        {
            Code = (ErrorCode)code, Message = message, HasOffsets = ok && withOffsets,
            LogStartOffset = ok && withOffsets ? start : -1, LogEndOffset = ok && withOffsets ? end : -1,
        };
        return ok;
    }
}
