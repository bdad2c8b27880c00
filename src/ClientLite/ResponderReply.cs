using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite;

/// <summary>
/// What a <see cref="Responder"/>'s handler answers when the reply needs headers: the reply's value and headers. The
/// reply carries <see cref="Headers"/> in order, then <c>fb-correlation-id</c>.
/// </summary>
public readonly struct ResponderReply
{
    /// <summary>
    /// A reply of <paramref name="value"/> with <paramref name="headers"/>. Throws <see cref="ArgumentException"/> for a
    /// header named <c>fb-correlation-id</c> or starting with <c>fb-reply-</c>: those are the responder's to write
    /// (PROTOCOL.md section 8.12); answer an error by throwing <see cref="RequestFailedException"/>.
    /// </summary>
    public ResponderReply(ReadOnlyMemory<byte> value, ReadOnlyMemory<RecordHeader> headers = default)
    {
        foreach (var header in headers.Span)
        {
            ArgumentNullException.ThrowIfNull(header.Name, nameof(headers));
            if (ReplyHeaders.IsReserved(header.Name))
                throw new ArgumentException($"The reply header name '{header.Name}' is reserved for request/reply (fb-correlation-id, fb-reply-*).", nameof(headers));
        }
        Value = value;
        Headers = headers;
    }

    /// <summary>The reply's value.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>The handler's headers (the responder adds <c>fb-correlation-id</c> after them).</summary>
    public ReadOnlyMemory<RecordHeader> Headers { get; }
}
