using FastBroker.Wire;

namespace FastBroker.Server.Topics;

/// <summary>Topic name rules (PROTOCOL.md): 1..249 bytes of [A-Za-z0-9._-], not "." or "..", so a name is always
/// a safe directory name.</summary>
public static class TopicName
{
    public static bool IsValid(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length is 0 or > Protocol.MaxTopicNameBytes) return false;
        if (utf8.SequenceEqual("."u8) || utf8.SequenceEqual(".."u8)) return false;
        foreach (byte b in utf8)
        {
            bool ok = b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                      or (byte)'.' or (byte)'_' or (byte)'-';
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>Widens an ASCII name into <paramref name="chars"/> for alternate dictionary lookups without
    /// allocating; false for an empty, too long or non-ASCII name (which no topic or subscription has).</summary>
    public static bool TryWiden(ReadOnlySpan<byte> utf8, Span<char> chars)
    {
        if (utf8.Length is 0 or > Protocol.MaxTopicNameBytes || chars.Length < utf8.Length) return false;
        for (int i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] > 127) return false;
            chars[i] = (char)utf8[i];
        }
        return true;
    }

    public static bool IsValid(string name)
    {
        Span<byte> bytes = stackalloc byte[Protocol.MaxTopicNameBytes + 1];
        if (name.Length > Protocol.MaxTopicNameBytes) return false;
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] > 127) return false;
            bytes[i] = (byte)name[i];
        }
        return IsValid(bytes[..name.Length]);
    }
}
