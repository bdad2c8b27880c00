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
    public const int MaxValueBytes = TimeHeader.MaxValueBytes;

    private static ReadOnlySpan<byte> NameBytes => "fb-expires"u8;

    /// <summary>Reads the record's expiry time; false when it has none (or only malformed ones).</summary>
    public static bool TryGetExpiry(in Record record, out long expiresAtMs) => TimeHeader.TryGet(record, NameBytes, out expiresAtMs);

    /// <summary>True when the record has an expiry time at or before <paramref name="nowMs"/>.</summary>
    public static bool IsExpired(in Record record, long nowMs) => TryGetExpiry(record, out long at) && at <= nowMs;

    /// <summary>Writes an expiry time as the header's value; returns the bytes written (at most <see cref="MaxValueBytes"/>).</summary>
    public static int FormatValue(long expiresAtMs, Span<byte> destination) => TimeHeader.Format(expiresAtMs, destination, nameof(expiresAtMs));
}
