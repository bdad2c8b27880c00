namespace FastBroker.ClientLite;

/// <summary>A consumer group's positions and its members (PROTOCOL.md 5.27 with members).</summary>
/// <param name="Partitions">Per partition the committed position, the log's bounds and the lag.</param>
/// <param name="Members">The members, topics in ordinal order, members in join order; empty when none.</param>
public sealed record GroupDescription(IReadOnlyList<GroupPartitionInfo> Partitions, IReadOnlyList<GroupMemberInfo> Members);
