namespace FastBroker.Wire;

/// <summary>
/// A topic id on the wire: 16 opaque bytes, written as <see cref="Guid.TryWriteBytes(Span{byte})"/> lays a
/// <see cref="Guid"/> out, so <c>new Guid(bytes)</c> reads it back. Ids are only compared, never interpreted;
/// all-zero bytes mean "no id" (PROTOCOL.md section 5.5).
/// </summary>
public static class TopicIds
{
    /// <summary>Bytes of an id on the wire.</summary>
    public const int Size = 16;

    /// <summary>Writes <paramref name="id"/> into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public static void Write(Guid id, Span<byte> destination) => id.TryWriteBytes(destination);

    /// <summary>Reads the id at the front of <paramref name="source"/>, which holds at least <see cref="Size"/> bytes.</summary>
    public static Guid Read(ReadOnlySpan<byte> source) => new(source[..Size]);
}
