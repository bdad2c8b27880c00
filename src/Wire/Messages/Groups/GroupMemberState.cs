namespace FastBroker.Wire.Messages.Groups;

/// <summary>One member of a group on a topic, as a DescribeGroup response with members carries it (PROTOCOL.md 5.27).</summary>
/// <param name="Topic">The topic the member joined the group for.</param>
/// <param name="Member">The member id the broker gave it.</param>
/// <param name="Client">The client name the member's connection gave in its handshake.</param>
/// <param name="Generation">The group's generation on the topic.</param>
/// <param name="SessionTimeoutMs">The member's session timeout, in ms.</param>
/// <param name="Assigned">Partitions the member owns and reads, ascending.</param>
/// <param name="Revoking">Partitions the member still owns but was asked to give back, ascending.</param>
public readonly record struct GroupMemberState(string Topic, string Member, string Client, uint Generation, int SessionTimeoutMs,
    int[] Assigned, int[] Revoking);
