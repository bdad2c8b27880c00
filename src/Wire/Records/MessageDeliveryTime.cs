namespace FastBroker.Wire.Records;

/// <summary>
/// Delayed delivery (PROTOCOL.md section 6.7): a record carrying the header <c>fb-deliver-at</c>, whose value is a time
/// in milliseconds since the Unix epoch written as for <c>fb-expires</c> (section 6.6), is not delivered to a shared
/// subscription before that time by the broker's clock. Stream readers (Fetch) see it at once. A value that is not
/// such a number is ignored: the message is delivered at once.
/// </summary>
public static class MessageDeliveryTime
{
    /// <summary>The header name.</summary>
    public const string HeaderName = "fb-deliver-at";

    /// <summary>Most bytes a value can take (the digits of <see cref="long.MaxValue"/>).</summary>
    public const int MaxValueBytes = TimeHeader.MaxValueBytes;

    private static ReadOnlySpan<byte> NameBytes => "fb-deliver-at"u8;

    /// <summary>Reads the record's delivery time; false when it has none (or only malformed ones).</summary>
    public static bool TryGetDeliveryTime(in Record record, out long deliverAtMs) => TimeHeader.TryGet(record, NameBytes, out deliverAtMs);

    /// <summary>True when the record has a delivery time after <paramref name="nowMs"/> (it must wait until then);
    /// a record is due at the millisecond of its delivery time itself.</summary>
    public static bool IsDelayed(in Record record, long nowMs, out long deliverAtMs)
        => TryGetDeliveryTime(record, out deliverAtMs) && deliverAtMs > nowMs;

    /// <summary>Writes a delivery time as the header's value; returns the bytes written (at most <see cref="MaxValueBytes"/>).</summary>
    public static int FormatValue(long deliverAtMs, Span<byte> destination) => TimeHeader.Format(deliverAtMs, destination, nameof(deliverAtMs));
}
