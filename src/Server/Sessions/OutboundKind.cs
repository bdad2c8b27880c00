namespace FastBroker.Server.Sessions;

/// <summary>What an <see cref="Outbound"/> item asks the send loop to write.</summary>
internal enum OutboundKind : byte
{
    /// <summary>A response with an empty body.</summary>
    Empty,
    /// <summary>A response whose body is one i64 (<see cref="Outbound.Value"/>).</summary>
    Int64,
    /// <summary>An Error frame (<see cref="Outbound.Code"/>, message in <see cref="Outbound.Data"/>).</summary>
    Error,
    /// <summary>An OffsetOutOfRange Error frame with the partition's offsets (<see cref="OffsetOutOfRangeAnswer"/> in <see cref="Outbound.Data"/>).</summary>
    OffsetOutOfRange,
    /// <summary>A ListOffsets response (partition/offset pairs in <see cref="Outbound.Data"/>).</summary>
    ListOffsets,
    /// <summary>A ResetSubscription response (a <c>PartitionReset[]</c> in <see cref="Outbound.Data"/>).</summary>
    ResetSubscription,
    /// <summary>A ListGroups response (groups and their topics in <see cref="Outbound.Data"/>).</summary>
    ListGroups,
    /// <summary>A DescribeGroup response (<see cref="Wire.Messages.Groups.GroupPartitionLag"/> entries in <see cref="Outbound.Data"/>).</summary>
    DescribeGroup,
    /// <summary>A DescribeGroup response with members (a <see cref="DescribeGroupAnswer"/> in <see cref="Outbound.Data"/>).</summary>
    DescribeGroupMembers,
    /// <summary>A JoinGroup or Heartbeat response, by <see cref="Outbound.Opcode"/> (a boxed <see cref="Groups.GroupAssignment"/> in <see cref="Outbound.Data"/>).</summary>
    GroupAssignment,
    /// <summary>A ResetGroup response (partition/offset pairs in <see cref="Outbound.Data"/>).</summary>
    ResetGroup,
    /// <summary>The handshake response.</summary>
    Handshake,
    /// <summary>A ping echo (bytes in <see cref="Outbound.Data"/>).</summary>
    Ping,
    /// <summary>A ListTopics response (list in <see cref="Outbound.Data"/>).</summary>
    ListTopics,
    /// <summary>A TopicMetadata response (start/end pairs in <see cref="Outbound.Data"/>).</summary>
    TopicMetadata,
    /// <summary>A Fetch response read from the partition's journal as it is written out.</summary>
    FetchData,
    /// <summary>A whole frame already encoded in a pooled buffer (<see cref="Outbound.Data"/>, <see cref="Outbound.Length"/> bytes).</summary>
    Frame,
    /// <summary>An Ack, Nack or Extend response: the applied count in <see cref="Outbound.Value"/>.</summary>
    Settle,
    /// <summary>A Receive response with no messages.</summary>
    EmptyDelivery,
    /// <summary>A SubscriptionStats response (boxed stats in <see cref="Outbound.Data"/>).</summary>
    SubscriptionStats,
    /// <summary>A Publish response reporting duplicates (base offset in <see cref="Outbound.Value"/>, a
    /// <c>PublishDuplicate[]</c> in <see cref="Outbound.Data"/>).</summary>
    PublishDeduplicated,
    /// <summary>Flush what came before, then close the connection.</summary>
    Close,
}
