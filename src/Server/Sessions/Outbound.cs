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
    ErrorCode Code = ErrorCode.None)
{
    // What a queued item costs beyond its payload: the channel slot and the encoded header, rounded up.
    private const int Overhead = 64;

    /// <summary>The bytes this item holds while queued, charged to the connection's <see cref="OutboundBudget"/>.
    /// A Fetch holds no data until it is written (the journal is read straight into the socket's buffer).</summary>
    public int Cost => Kind switch
    {
        OutboundKind.Ping or OutboundKind.Frame => Overhead + Length,
        OutboundKind.Error => Overhead + 2 * (((string?)Data)?.Length ?? 0),
        OutboundKind.OffsetOutOfRange => Overhead + 16 + 2 * ((OffsetOutOfRangeAnswer)Data!).Message.Length,
        OutboundKind.ResetSubscription => Overhead + 16 * ((Array)Data!).Length,
        OutboundKind.PublishDeduplicated => Overhead + 12 * ((Array)Data!).Length,
        OutboundKind.ListOffsets or OutboundKind.ResetGroup => Overhead + 12 * ((Array)Data!).Length,
        OutboundKind.DescribeGroup => Overhead + 64 * ((Array)Data!).Length,
        OutboundKind.DescribeGroupMembers => Overhead + ((DescribeGroupAnswer)Data!).Cost,
        OutboundKind.GroupAssignment => Overhead + 64 + 4 * ((Groups.GroupAssignment)Data!).Partitions.Length,
        OutboundKind.ListGroups => Overhead + 64 * ((System.Collections.ICollection)Data!).Count,
        _ => Overhead,
    };
}
