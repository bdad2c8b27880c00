namespace FastBroker.Wire.Records;

/// <summary>
/// Deduplication ids (PROTOCOL.md section 6.8): a record carrying the header <c>fb-dedup-id</c> is stored at most once
/// per partition within the topic's deduplication window; a record whose id was stored there within the window is a
/// duplicate and is answered with the offset the first one got. The value is 1 to <see cref="MaxBytes"/> opaque bytes,
/// compared byte for byte; the first <c>fb-dedup-id</c> header of a record counts.
/// </summary>
public static class DedupId
{
    /// <summary>The header name.</summary>
    public const string HeaderName = "fb-dedup-id";

    /// <summary>The longest id, in bytes. An empty or longer value makes the broker refuse the batch
    /// (<see cref="ErrorCode.InvalidArgument"/>) while the topic's window is on.</summary>
    public const int MaxBytes = 128;

    /// <summary><see cref="HeaderName"/> as UTF-8 bytes.</summary>
    public static ReadOnlySpan<byte> NameUtf8 => "fb-dedup-id"u8;

    /// <summary>True when <paramref name="id"/> is a valid id: 1 to <see cref="MaxBytes"/> bytes.</summary>
    public static bool IsValid(ReadOnlySpan<byte> id) => id.Length is > 0 and <= MaxBytes;

    /// <summary>
    /// Finds the record's id in its encoded headers (<see cref="Record.Headers"/>, <see cref="Record.HeaderCount"/>;
    /// bytes after the last header, such as the value, may follow and are not read):
    /// true and the first <c>fb-dedup-id</c> value when the record has the header (the value may be invalid, see
    /// <see cref="IsValid"/>); false when it has none.
    /// </summary>
    public static bool TryFind(ReadOnlySpan<byte> headers, int headerCount, out ReadOnlySpan<byte> id)
    {
        id = default;
        if (headerCount == 0) return false;
        var reader = new RecordHeaderReader(headers);
        for (int i = 0; i < headerCount && reader.TryReadNext(out var name, out var value); i++)
        {
            if (!name.SequenceEqual(NameUtf8)) continue;
            id = value;
            return true;
        }
        return false;
    }
}
