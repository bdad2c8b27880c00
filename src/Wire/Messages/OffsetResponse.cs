namespace FastBroker.Wire.Messages;

/// <summary>Bodies that are one i64: the Publish response (base offset) and the ReadPosition response
/// (the stored position, or <see cref="Protocol.NoPosition"/>).</summary>
public static class OffsetResponse
{
    /// <summary>Parses an 8-byte body; false for any other length.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out long offset)
    {
        var reader = new SpanReader(body);
        return reader.TryReadInt64(out offset) && reader.End;
    }
}
