using System.Text;

namespace FastBroker.Wire.Tests.Support;

/// <summary>Hex text as written in PROTOCOL.md: pairs of hex digits, any whitespace between them.</summary>
internal static class Hex
{
    public static byte[] Parse(string text)
    {
        var digits = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (!char.IsWhiteSpace(c))
                digits.Append(c);
        }
        return Convert.FromHexString(digits.ToString());
    }

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
