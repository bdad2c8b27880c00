using System.Buffers.Binary;

namespace FastBroker.Wire;

/// <summary>The fixed frame header that precedes every frame body.</summary>
/// <remarks>
/// <code>
/// 0        4        6        8                12
/// +--------+--------+--------+----------------+
/// | length | opcode | flags  |   request id   |   then `length` body bytes
/// |  u32   |  u16   |  u16   |      u32       |
/// +--------+--------+--------+----------------+
/// </code>
/// All integers little-endian. <c>length</c> counts body bytes only (header excluded).
/// </remarks>
public readonly record struct FrameHeader(int BodyLength, Opcode Opcode, FrameFlags Flags, uint RequestId)
{
    /// <summary>Encoded header size in bytes.</summary>
    public const int Size = 12;

    /// <summary>True when the frame is a response from the broker.</summary>
    public bool IsResponse => (Flags & FrameFlags.Response) != 0;

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)BodyLength);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], (ushort)Opcode);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], (ushort)Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], RequestId);
    }

    /// <summary>Reads a header from the first <see cref="Size"/> bytes of <paramref name="source"/>.
    /// A declared length above <see cref="int.MaxValue"/> is returned as <see cref="int.MaxValue"/>; callers check it
    /// against their cap before trusting it.</summary>
    public static FrameHeader Read(ReadOnlySpan<byte> source) => new(
        (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(source), int.MaxValue),
        (Opcode)BinaryPrimitives.ReadUInt16LittleEndian(source[4..]),
        (FrameFlags)BinaryPrimitives.ReadUInt16LittleEndian(source[6..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[8..]));
}
