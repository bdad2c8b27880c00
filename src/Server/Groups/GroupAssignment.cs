namespace FastBroker.Server.Groups;

/// <summary>What a JoinGroup or Heartbeat answers: the member's id, the group's generation, the partitions the member
/// may read now (ascending) and how often it should heartbeat.</summary>
internal readonly record struct GroupAssignment(string Member, uint Generation, int[] Partitions, uint HeartbeatIntervalMs);
