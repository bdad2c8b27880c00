namespace FastBroker.Wire.Messages;

/// <summary>
/// Record header names of the request/reply pattern (PROTOCOL.md section 8.12). Values are UTF-8 text. The broker
/// does not interpret them; clients that follow the pattern do.
/// </summary>
public static class ReplyHeaders
{
    /// <summary>On a request: the topic (partition 0) the reply goes to.</summary>
    public const string ReplyTo = "fb-reply-to";

    /// <summary>On a request and its reply: the requester's id for the request, copied unchanged into the reply.</summary>
    public const string CorrelationId = "fb-correlation-id";

    /// <summary>On a reply: the request failed, and this is why (a message for people). Its presence, even with an
    /// empty value, makes the reply an error reply; the reply's value is then empty.</summary>
    public const string Error = "fb-reply-error";

    /// <summary>On an error reply, optional: a short code for programs, chosen by the service.</summary>
    public const string ErrorCode = "fb-reply-error-code";

    /// <summary>Names starting with this are reserved for the pattern, like <see cref="CorrelationId"/>.</summary>
    public const string ReservedPrefix = "fb-reply-";

    /// <summary>The most bytes a responder writes in <see cref="Error"/> or <see cref="ErrorCode"/>; longer text
    /// is cut on a UTF-8 character boundary. Readers accept any length.</summary>
    public const int MaxErrorBytes = 1024;

    /// <summary><see cref="ReplyTo"/> as UTF-8 bytes.</summary>
    public static ReadOnlySpan<byte> ReplyToUtf8 => "fb-reply-to"u8;

    /// <summary><see cref="CorrelationId"/> as UTF-8 bytes.</summary>
    public static ReadOnlySpan<byte> CorrelationIdUtf8 => "fb-correlation-id"u8;

    /// <summary><see cref="Error"/> as UTF-8 bytes.</summary>
    public static ReadOnlySpan<byte> ErrorUtf8 => "fb-reply-error"u8;

    /// <summary><see cref="ErrorCode"/> as UTF-8 bytes.</summary>
    public static ReadOnlySpan<byte> ErrorCodeUtf8 => "fb-reply-error-code"u8;

    /// <summary>True for the names a reply's sender may not set itself: <see cref="CorrelationId"/> and every
    /// name starting with <see cref="ReservedPrefix"/> (ordinal comparison).</summary>
    public static bool IsReserved(string name)
        => name == CorrelationId || name.StartsWith(ReservedPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The length of the longest prefix of <paramref name="utf8"/> that is at most <paramref name="maxBytes"/> bytes
    /// and does not end inside a UTF-8 character (it never splits a multi-byte sequence).
    /// </summary>
    public static int TruncatedLength(ReadOnlySpan<byte> utf8, int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        if (utf8.Length <= maxBytes)
            return utf8.Length;
        int end = maxBytes;
        // Continuation bytes are 10xxxxxx: back up to the lead byte of the character the cut falls in.
        while (end > 0 && (utf8[end] & 0xC0) == 0x80)
            end--;
        return end;
    }
}
