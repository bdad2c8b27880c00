namespace FastBroker.ClientLite;

/// <summary>
/// A request was answered with an error. A <see cref="Responder"/>'s handler throws it to answer the request with an
/// error reply (headers <c>fb-reply-error</c> and, when <see cref="Code"/> is set, <c>fb-reply-error-code</c>; empty
/// value) instead of having the request delivered again; the request is then acked.
/// <see cref="BrokerConnection.RequestAsync"/> throws it, with the same message and code, when the reply is an error
/// reply (from this or any other client that follows PROTOCOL.md section 8.12).
/// </summary>
/// <remarks>
/// The message and the code each travel as at most <see cref="FastBroker.Wire.Messages.ReplyHeaders.MaxErrorBytes"/>
/// bytes of UTF-8; longer text is cut on a character boundary. Only the message and the code are sent: an inner
/// exception or stack trace stays with the responder.
/// </remarks>
public sealed class RequestFailedException : Exception
{
    /// <summary>Creates the error a responder's handler throws: <paramref name="message"/> for people and an optional
    /// <paramref name="code"/> for programs (e.g. <c>"404"</c> or <c>"not-found"</c>).</summary>
    public RequestFailedException(string message, string? code = null)
        : this(message, code, innerException: null)
    {
    }

    /// <summary>As <see cref="RequestFailedException(string, string?)"/>, keeping the cause on the responder's side
    /// (it is not sent).</summary>
    public RequestFailedException(string message, string? code, Exception? innerException)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(message);
        Code = code;
    }

    internal RequestFailedException(string message, string? code, Reply reply)
        : this(message, code, innerException: null)
    {
        Reply = reply;
    }

    /// <summary>The service's error code; null when the error reply has none.</summary>
    public string? Code { get; }

    /// <summary>On the requester's side, the error reply itself (its headers may say more); null on the responder's side.</summary>
    public Reply? Reply { get; }
}
