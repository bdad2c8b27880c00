using FastBroker.Wire;

namespace FastBroker.Server.Sessions;

/// <summary>
/// One response waiting for the connection's send loop. A struct in an unbounded channel, so queueing a publish
/// acknowledgement allocates nothing; only rare responses carry an object in <see cref="Data"/>.
/// </summary>
internal readonly record struct Outbound(
    OutboundKind Kind,
    Opcode Opcode,
    uint RequestId,
    long Value = 0,
    int Length = 0,
    object? Data = null,
    ErrorCode Code = ErrorCode.None);
