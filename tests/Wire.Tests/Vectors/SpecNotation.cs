using System.Globalization;
using System.Text;
using FastBroker.Wire.Records;

namespace FastBroker.Wire.Tests.Vectors;

/// <summary>
/// The notation of PROTOCOL.md section 14.5 for keys, header lists and values: strings in double quotes with the
/// escapes <c>\"</c>, <c>\\</c> and <c>\xHH</c> (one byte), other characters standing for their UTF-8 bytes;
/// <c>none</c> for a missing key or no headers; headers as <c>name="value"</c> separated by commas.
/// </summary>
internal static class SpecNotation
{
    public const string None = "none";

    /// <summary>A key cell: <c>none</c> (null) or a code span holding one string.</summary>
    public static byte[]? Key(string cell)
    {
        if (cell == None) return null;
        string text = MarkdownTable.CodeSpan(cell);
        int at = 0;
        byte[] key = Quoted(text, ref at);
        ExpectEnd(text, at);
        return key;
    }

    /// <summary>A headers cell: <c>none</c> or a code span of <c>name="value"</c> pairs.</summary>
    public static RecordHeader[] Headers(string cell)
    {
        if (cell == None) return [];
        string text = MarkdownTable.CodeSpan(cell);
        var headers = new List<RecordHeader>();
        int at = 0;
        while (true)
        {
            string name;
            if (at < text.Length && text[at] == '"')
            {
                name = Encoding.UTF8.GetString(Quoted(text, ref at));
            }
            else
            {
                int equals = text.IndexOf('=', at);
                if (equals <= at) throw new FormatException($"Expected a header name at {at} in '{text}'.");
                name = text[at..equals];
                at = equals;
            }
            Expect(text, ref at, "=");
            headers.Add(new RecordHeader(name, Quoted(text, ref at)));
            if (at == text.Length) return [.. headers];
            Expect(text, ref at, ", ");
        }
    }

    /// <summary>A code span of strings separated by commas, or <c>none</c>.</summary>
    public static List<byte[]> Values(string cell)
    {
        var values = new List<byte[]>();
        if (cell == None) return values;
        string text = MarkdownTable.CodeSpan(cell);
        int at = 0;
        values.Add(Quoted(text, ref at));
        while (at < text.Length)
        {
            Expect(text, ref at, ", ");
            values.Add(Quoted(text, ref at));
        }
        return values;
    }

    /// <summary>A code span holding one string, as text (its bytes must be UTF-8).</summary>
    public static string Text(string cell)
    {
        string text = MarkdownTable.CodeSpan(cell);
        int at = 0;
        byte[] bytes = Quoted(text, ref at);
        ExpectEnd(text, at);
        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
    }

    public static bool YesNo(string cell) => cell switch
    {
        "yes" => true,
        "no" => false,
        _ => throw new FormatException($"Expected yes or no, found '{cell}'."),
    };

    private static byte[] Quoted(string text, ref int at)
    {
        Expect(text, ref at, "\"");
        var bytes = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        while (true)
        {
            if (at == text.Length) throw new FormatException($"Unclosed string in '{text}'.");
            char c = text[at++];
            if (c == '"') return [.. bytes];
            if (c == '\\')
            {
                if (at == text.Length) throw new FormatException($"Unclosed string in '{text}'.");
                char escaped = text[at++];
                if (escaped is '"' or '\\')
                {
                    bytes.Add((byte)escaped);
                }
                else if (escaped == 'x' && at + 2 <= text.Length)
                {
                    bytes.Add(byte.Parse(text.AsSpan(at, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    at += 2;
                }
                else
                {
                    throw new FormatException($"Unknown escape '\\{escaped}' in '{text}'.");
                }
                continue;
            }
            int length = char.IsHighSurrogate(c) && at < text.Length ? 2 : 1;
            int written = Encoding.UTF8.GetBytes(text.AsSpan(at - 1, length), utf8);
            at += length - 1;
            foreach (byte b in utf8[..written])
                bytes.Add(b);
        }
    }

    private static void Expect(string text, ref int at, string expected)
    {
        if (string.CompareOrdinal(text, at, expected, 0, expected.Length) != 0)
            throw new FormatException($"Expected '{expected}' at {at} in '{text}'.");
        at += expected.Length;
    }

    private static void ExpectEnd(string text, int at)
    {
        if (at != text.Length) throw new FormatException($"Unexpected '{text[at..]}' after the string in '{text}'.");
    }
}
