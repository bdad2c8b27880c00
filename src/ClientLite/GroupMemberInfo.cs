namespace FastBroker.ClientLite;

/// <summary>One member of a consumer group on a topic, as DescribeGroup reports it (PROTOCOL.md 5.27).</summary>
/// <param name="Topic">The topic the member joined the group for.</param>
/// <param name="MemberId">The id the broker gave it.</param>
/// <param name="Client">The client name its connection gave in the handshake.</param>
/// <param name="Generation">The group's generation on the topic.</param>
/// <param name="SessionTimeout">How long the broker keeps it without a heartbeat.</param>
/// <param name="Assigned">Partitions it owns and reads, ascending.</param>
/// <param name="Revoking">Partitions it still owns but was asked to give back, ascending.</param>
public sealed record GroupMemberInfo(string Topic, string MemberId, string Client, uint Generation, TimeSpan SessionTimeout,
    IReadOnlyList<int> Assigned, IReadOnlyList<int> Revoking);
