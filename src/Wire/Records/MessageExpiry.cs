using System.Buffers.Text;

namespace FastBroker.Wire.Records;

/// <summary>
/// Per-message expiry (PROTOCOL.md section 6.6): a record carrying the header <c>fb-expires</c>, whose value is a time
/// in milliseconds since the Unix epoch written in decimal UTF-8, is expired from that time on. Brokers do not deliver
/// an expired message to a shared subscription or a filtered fetch; clients skip it when they read the log. A value
/// that is not such a number (signs, spaces, overflow) is ignored: the message does not expire.
/// </summary>
public static class MessageExpiry
{
    /// <summary>The header name.</summary>
    public const string HeaderName = "fb-expires";

    /// <summary>Most bytes a value can take (the digits of <see cref="long.MaxValue"/>).</summary>
    public const int MaxValueBytes = 19;

    private static ReadOnlySpan<byte> NameBytes => "fb-expires"u8;

    /// <summary>Reads the record's expiry time; false when it has none (or only malformed ones).</summary>
    public static bool TryGetExpiry(in Record record, out long expiresAtMs)
    {
        expiresAtMs = 0;
        if (record.HeaderCount == 0) return false;
        var reader = new RecordHeaderReader(record.Headers);
        while (reader.TryReadNext(out var name, out var value))
        {
            if (!name.SequenceEqual(NameBytes) || value.Length is 0 or > MaxValueBytes || value[0] is < (byte)'0' or > (byte)'9') continue;
            if (Utf8Parser.TryParse(value, out long parsed, out int consumed) && consumed == value.Length && parsed >= 0)
            {
                expiresAtMs = parsed;
                return true;
            }
        }
        return false;
    }

    /// <summary>True when the record has an expiry time at or before <paramref name="nowMs"/>.</summary>
    public static bool IsExpired(in Record record, long nowMs) => TryGetExpiry(record, out long at) && at <= nowMs;

    /// <summary>Writes an expiry time as the header's value; returns the bytes written (at most <see cref="MaxValueBytes"/>).</summary>
    public static int FormatValue(long expiresAtMs, Span<byte> destination)
    {
        if (expiresAtMs < 0) throw new ArgumentOutOfRangeException(nameof(expiresAtMs), "an expiry time is milliseconds since the Unix epoch, not negative");
        return Utf8Formatter.TryFormat(expiresAtMs, destination, out int written) ? written
            : throw new ArgumentException($"the destination needs {MaxValueBytes} bytes", nameof(destination));
    }
}
