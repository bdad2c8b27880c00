using System.Text;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Internal;

/// <summary>Finds a record header by name in encoded headers (PROTOCOL.md section 6.2).</summary>
internal static class HeaderLookup
{
    /// <summary>The value of the first header named <paramref name="utf8Name"/>, as a slice of <paramref name="headers"/>.</summary>
    public static bool TryFind(ReadOnlySpan<byte> headers, ReadOnlySpan<byte> utf8Name, out ReadOnlySpan<byte> value)
    {
        var reader = new RecordHeaderReader(headers);
        while (reader.TryReadNext(out var name, out value))
        {
            if (name.SequenceEqual(utf8Name))
                return true;
        }
        value = default;
        return false;
    }

    /// <summary>The value of the first header named <paramref name="name"/>, as memory over the same bytes.</summary>
    public static bool TryFind(ReadOnlyMemory<byte> headers, string name, out ReadOnlyMemory<byte> value)
    {
        ArgumentNullException.ThrowIfNull(name);
        var all = headers.Span;
        Span<byte> encoded = name.Length <= 128 ? stackalloc byte[name.Length * 3] : new byte[name.Length * 3];
        int length = Encoding.UTF8.GetBytes(name, encoded);
        if (!TryFind(all, encoded[..length], out var found))
        {
            value = default;
            return false;
        }
        // The reader hands out spans; the caller gets the same bytes as memory, located by their position.
        value = !found.IsEmpty && all.Overlaps(found, out int start) ? headers.Slice(start, found.Length) : ReadOnlyMemory<byte>.Empty;
        return true;
    }
}
