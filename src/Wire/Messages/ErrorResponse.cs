namespace FastBroker.Wire.Messages;

/// <summary>A parsed Error frame.</summary>
public readonly ref struct ErrorResponse
{
    /// <summary>What went wrong.</summary>
    public ErrorCode Code { get; init; }
    /// <summary>Human-readable detail, UTF-8.</summary>
    public ReadOnlySpan<byte> Message { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out ErrorResponse response)
    {
        var r = new SpanReader(body);
        ushort code = 0;
        ReadOnlySpan<byte> message = default;
        bool ok = r.TryReadUInt16(out code) && r.TryReadString(out message) && r.End;
        response = new ErrorResponse { Code = (ErrorCode)code, Message = message };
        return ok;
    }
}
