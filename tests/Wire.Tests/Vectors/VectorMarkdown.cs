using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Wire.Tests.Vectors;

/// <summary>
/// Writes a vector's entry in PROTOCOL.md from its bytes: heading, description, the <c>```vector</c> block with
/// one field per hex line, and the decoded table. The spec's entries are checked against this text, and a
/// failing check prints the text to paste after the codec changes.
/// </summary>
internal static class VectorMarkdown
{
    public static string Render(string name, VectorKind kind, byte[] bytes)
    {
        var (about, body) = VectorLayouts.All[name];
        var hexLines = new List<string>();
        var rows = new List<(int Offset, string Field, string Type, string Value)>();
        int position = 0;
        if (kind == VectorKind.Frame)
        {
            var header = FrameHeader.Read(bytes);
            hexLines.Add($"{Hex(bytes, 0, 4)} {Hex(bytes, 4, 2)} {Hex(bytes, 6, 2)} {Hex(bytes, 8, 4)}");
            rows.Add((0, "body length", "u32", Invariant(header.BodyLength)));
            rows.Add((4, "opcode", "u16", $"0x{(ushort)header.Opcode:X4} ({header.Opcode})"));
            rows.Add((6, "flags", "u16", header.Flags == FrameFlags.None ? "0 (request)" : $"{(ushort)header.Flags} ({header.Flags})"));
            rows.Add((8, "request id", "u32", Invariant(header.RequestId)));
            position = FrameHeader.Size;
        }

        foreach (var field in body)
        {
            int start = position;
            var (hex, type, value) = Decode(field, bytes, ref position);
            hexLines.Add(hex);
            rows.Add((start, field.Name, type, value));
        }
        if (position != bytes.Length)
            throw new InvalidOperationException($"The layout of '{name}' covers {position} of its {bytes.Length} bytes.");

        var text = new StringBuilder();
        text.Append("#### ").Append(name).Append("\n\n").Append(about).Append("\n\n");
        text.Append("```vector\nname: ").Append(name).Append('\n');
        text.Append(kind == VectorKind.Frame ? "frame: " : "batch: ").Append(hexLines[0]).Append('\n');
        for (int i = 1; i < hexLines.Count; i++)
            text.Append("  ").Append(hexLines[i]).Append('\n');
        text.Append("```\n\n| Offset | Field | Type | Value |\n|---:|---|---|---|\n");
        foreach (var (offset, field, type, value) in rows)
            text.Append($"| {offset} | {field} | {type} | {value.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        return text.ToString();
    }

    private static (string Hex, string Type, string Value) Decode(VectorField field, byte[] bytes, ref int position)
    {
        var span = bytes.AsSpan(position);
        int start = position;
        switch (field.Kind)
        {
            case VectorFieldKind.Str:
            {
                int n = BinaryPrimitives.ReadUInt16LittleEndian(span);
                position += 2 + n;
                return ($"{Hex(bytes, start, 2)} {Hex(bytes, start + 2, n)}".TrimEnd(), "string",
                    $"\"{Encoding.UTF8.GetString(bytes, start + 2, n)}\" ({n} bytes)");
            }
            case VectorFieldKind.Blob:
            {
                int n = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
                position += 4 + n;
                return ($"{Hex(bytes, start, 4)} {Hex(bytes, start + 4, n)}".TrimEnd(), "blob",
                    n == 0 ? "empty (0 bytes)" : $"\"{Encoding.UTF8.GetString(bytes, start + 4, n)}\" ({n} bytes)");
            }
            case VectorFieldKind.Text:
                position += field.Size;
                return (Hex(bytes, start, field.Size), $"{field.Size} bytes", $"\"{Encoding.UTF8.GetString(bytes, start, field.Size)}\"");
            case VectorFieldKind.Raw:
                position += field.Size;
                return (Hex(bytes, start, field.Size), $"{field.Size} bytes", "0x" + Hex(bytes, start, field.Size));
        }

        var (size, type, value) = field.Kind switch
        {
            VectorFieldKind.AckModeU8 => (1, "u8", $"{span[0]} ({(AckMode)span[0]})"),
            VectorFieldKind.TopicFlagsU8 => (1, "u8", $"{span[0]} ({(TopicFlags)span[0]})"),
            VectorFieldKind.TopicQueryFlagsU8 => (1, "u8", $"{span[0]} ({(TopicQueryFlags)span[0]})"),
            VectorFieldKind.U8 => (1, "u8", Invariant(span[0])),
            VectorFieldKind.U16 => (2, "u16", Invariant(BinaryPrimitives.ReadUInt16LittleEndian(span))),
            VectorFieldKind.Code => (2, "u16", $"{BinaryPrimitives.ReadUInt16LittleEndian(span)} ({(ErrorCode)BinaryPrimitives.ReadUInt16LittleEndian(span)})"),
            VectorFieldKind.U32 => (4, "u32", Invariant(BinaryPrimitives.ReadUInt32LittleEndian(span))),
            VectorFieldKind.U32Hex => (4, "u32", $"0x{BinaryPrimitives.ReadUInt32LittleEndian(span):X8}"
                + (field.Name == "magic" ? $" (\"{Encoding.ASCII.GetString(bytes, start, 4)}\")" : "")),
            VectorFieldKind.I16 => (2, "i16", Invariant(BinaryPrimitives.ReadInt16LittleEndian(span))),
            VectorFieldKind.I32 => (4, "i32", Invariant(BinaryPrimitives.ReadInt32LittleEndian(span))),
            VectorFieldKind.I64 => (8, "i64", Invariant(BinaryPrimitives.ReadInt64LittleEndian(span))),
            VectorFieldKind.Timestamp => (8, "i64", Timestamp(BinaryPrimitives.ReadInt64LittleEndian(span))),
            _ => throw new ArgumentOutOfRangeException(nameof(field), field.Kind, null),
        };
        position += size;
        return (Hex(bytes, start, size), type, value);
    }

    private static string Timestamp(long ms)
        => $"{Invariant(ms)} ({DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)})";

    private static string Invariant<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    private static string Hex(byte[] bytes, int start, int length) => Convert.ToHexStringLower(bytes, start, length);
}
