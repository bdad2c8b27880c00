using System.Text.Unicode;

namespace FastBroker.Wire;

/// <summary>Consumer group names (PROTOCOL.md section 10): 1..255 bytes of well-formed UTF-8.</summary>
public static class GroupName
{
    /// <summary>
    /// True when <paramref name="utf8"/> is 1..<see cref="Protocol.MaxGroupNameBytes"/> bytes of well-formed UTF-8:
    /// overlong forms, encoded surrogates, code points above U+10FFFF and truncated sequences are all invalid.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<byte> utf8) => utf8.Length is >= 1 and <= Protocol.MaxGroupNameBytes && Utf8.IsValid(utf8);
}
