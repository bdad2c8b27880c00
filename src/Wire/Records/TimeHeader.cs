using System.Buffers.Text;

namespace FastBroker.Wire.Records;

/// <summary>
/// The one parser of the record headers whose value is a time in milliseconds since the Unix epoch written in decimal
/// UTF-8 (<c>fb-expires</c>, PROTOCOL.md section 6.6, and <c>fb-deliver-at</c>, section 6.7): both follow the same
/// format rules, so they must not drift apart.
/// </summary>
internal static class TimeHeader
{
    /// <summary>Most bytes a value can take (the digits of <see cref="long.MaxValue"/>).</summary>
    public const int MaxValueBytes = 19;

    /// <summary>The first well-formed value of the header <paramref name="name"/> in header order; false when none is.</summary>
    public static bool TryGet(in Record record, ReadOnlySpan<byte> name, out long valueMs)
    {
        valueMs = 0;
        if (record.HeaderCount == 0) return false;
        var reader = new RecordHeaderReader(record.Headers);
        while (reader.TryReadNext(out var headerName, out var value))
        {
            if (!headerName.SequenceEqual(name) || value.Length is 0 or > MaxValueBytes || value[0] is < (byte)'0' or > (byte)'9') continue;
            if (Utf8Parser.TryParse(value, out long parsed, out int consumed) && consumed == value.Length && parsed >= 0)
            {
                valueMs = parsed;
                return true;
            }
        }
        return false;
    }

    /// <summary>Writes a time as a header value; returns the bytes written (at most <see cref="MaxValueBytes"/>).</summary>
    public static int Format(long valueMs, Span<byte> destination, string paramName)
    {
        if (valueMs < 0) throw new ArgumentOutOfRangeException(paramName, "a time is milliseconds since the Unix epoch, not negative");
        return Utf8Formatter.TryFormat(valueMs, destination, out int written) ? written
            : throw new ArgumentException($"the destination needs {MaxValueBytes} bytes", nameof(destination));
    }
}
