namespace FastBroker.Server.Groups;

/// <summary>One member of a <see cref="ConsumerGroup"/>: who it is and when the broker last heard from it. Guarded by
/// its group's lock.</summary>
internal sealed class GroupMember(string id, string client, TimeSpan sessionTimeout, long lastSeen)
{
    public string Id { get; } = id;

    /// <summary>The client name its connection gave in the handshake, for DescribeGroup.</summary>
    public string Client { get; set; } = client;

    public TimeSpan SessionTimeout { get; set; } = sessionTimeout;

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of its last JoinGroup or Heartbeat.</summary>
    public long LastSeen { get; set; } = lastSeen;
}
