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

    /// <summary><see cref="ReplyTo"/> as UTF-8 bytes.</summary>
    public static ReadOnlySpan<byte> ReplyToUtf8 => "fb-reply-to"u8;

    /// <summary><see cref="CorrelationId"/> as UTF-8 bytes.</summary>
    public static ReadOnlySpan<byte> CorrelationIdUtf8 => "fb-correlation-id"u8;
}
