using FastBroker.Wire.Messages.Groups;

namespace FastBroker.Server.Sessions;

/// <summary>A DescribeGroup answer to a request that asked for members (PROTOCOL.md 5.27).</summary>
internal sealed record DescribeGroupAnswer(GroupPartitionLag[] Entries, List<GroupMemberState> Members)
{
    /// <summary>Bytes held while queued, roughly: charged to the connection's output budget.</summary>
    public int Cost
    {
        get
        {
            int cost = 64 * Entries.Length;
            foreach (var member in Members) cost += 128 + member.Client.Length + 4 * (member.Assigned.Length + member.Revoking.Length);
            return cost;
        }
    }
}
