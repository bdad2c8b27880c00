namespace FastBroker.Wire.Messages;

/// <summary>A parsed Handshake request; spans point into the frame body.</summary>
public readonly ref struct HandshakeRequest
{
    /// <summary>Handshake magic; must equal <see cref="Protocol.Magic"/>.</summary>
    public uint Magic { get; init; }
    /// <summary>Protocol version the client speaks.</summary>
    public ushort Version { get; init; }
    /// <summary>Authentication mechanism; v1 defines only 0 (none).</summary>
    public ushort AuthMechanism { get; init; }
    /// <summary>Free-form client name, UTF-8.</summary>
    public ReadOnlySpan<byte> ClientName { get; init; }
    /// <summary>Mechanism-specific authentication bytes; empty for mechanism 0.</summary>
    public ReadOnlySpan<byte> Auth { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out HandshakeRequest request)
    {
        var r = new SpanReader(body);
        bool ok = r.TryReadUInt32(out uint magic) & r.TryReadUInt16(out ushort version) & r.TryReadUInt16(out ushort mechanism);
        ReadOnlySpan<byte> name = default, auth = default;
        ok = ok && r.TryReadString(out name) && r.TryReadBlob(out auth) && r.End;
        request = new HandshakeRequest { Magic = magic, Version = version, AuthMechanism = mechanism, ClientName = name, Auth = auth };
        return ok;
    }
}
