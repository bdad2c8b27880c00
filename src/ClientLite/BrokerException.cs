using FastBroker.Wire;

namespace FastBroker.ClientLite;

/// <summary>
/// The broker answered a request with an Error frame. The connection stays usable unless the error was about
/// the whole connection (then it arrives wrapped in a <see cref="BrokerConnectionException"/>).
/// </summary>
public sealed class BrokerException : Exception
{
    /// <summary>Creates an exception for a broker error <paramref name="code"/> with the broker's message.</summary>
    public BrokerException(ErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>Creates an exception for a broker error <paramref name="code"/> with the broker's message.</summary>
    public BrokerException(ErrorCode code, string message, Exception? innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The broker's error code (stable across protocol versions).</summary>
    public ErrorCode Code { get; }

    /// <summary>
    /// For <see cref="ErrorCode.OffsetOutOfRange"/> from a broker that says so: the partition's first stored offset when
    /// it answered (PROTOCOL.md 5.11); otherwise null.
    /// </summary>
    public long? LogStartOffset { get; init; }

    /// <summary>For <see cref="ErrorCode.OffsetOutOfRange"/> from a broker that says so: the partition's log end when it
    /// answered; otherwise null.</summary>
    public long? LogEndOffset { get; init; }
}
