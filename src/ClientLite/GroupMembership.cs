namespace FastBroker.ClientLite;

/// <summary>
/// A member's place in a consumer group on one topic, as the broker answered a JoinGroup or Heartbeat
/// (PROTOCOL.md 5.29, 5.30).
/// </summary>
/// <param name="MemberId">The id the broker gave the member; heartbeat, commit and leave with it.</param>
/// <param name="Generation">The group's generation on the topic: it goes up at every change of the assignment.</param>
/// <param name="Partitions">The partitions the member may read now, ascending. A partition it reads that is missing
/// here is being asked back: commit it, stop reading it, and heartbeat without it.</param>
/// <param name="HeartbeatInterval">How often the broker asks the member to heartbeat (a third of its session timeout).</param>
public sealed record GroupMembership(string MemberId, uint Generation, IReadOnlyList<int> Partitions, TimeSpan HeartbeatInterval);
