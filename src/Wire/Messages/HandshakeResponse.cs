namespace FastBroker.Wire.Messages;

/// <summary>A parsed Handshake response: the limits the broker enforces on this connection.</summary>
public readonly ref struct HandshakeResponse
{
    /// <summary>Protocol version the broker speaks.</summary>
    public ushort Version { get; init; }
    /// <summary>Largest frame body the broker accepts.</summary>
    public int MaxFrameBytes { get; init; }
    /// <summary>Largest record the broker accepts.</summary>
    public int MaxMessageBytes { get; init; }
    /// <summary>Broker name and version, UTF-8.</summary>
    public ReadOnlySpan<byte> ServerName { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out HandshakeResponse response)
    {
        var r = new SpanReader(body);
        bool ok = r.TryReadUInt16(out ushort version) & r.TryReadUInt32(out uint maxFrame) & r.TryReadUInt32(out uint maxMessage);
        ReadOnlySpan<byte> name = default;
        ok = ok && r.TryReadString(out name) && r.End && maxFrame <= int.MaxValue && maxMessage <= int.MaxValue;
        response = new HandshakeResponse { Version = version, MaxFrameBytes = (int)maxFrame, MaxMessageBytes = (int)maxMessage, ServerName = name };
        return ok;
    }
}
