using FastBroker.ClientLite.Internal;
using System.Text;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Groups;

namespace FastBroker.ClientLite;

public sealed partial class BrokerConnection
{
    /// <summary>
    /// Joins <paramref name="group"/> on <paramref name="topic"/> (PROTOCOL.md 5.29) with a session of
    /// <paramref name="sessionTimeout"/> (1 s to 5 min): the broker assigns the topic's partitions across the members.
    /// A partition another member owns is given only after that member gave it back, so a new member may start with
    /// none and get its share at a later <see cref="HeartbeatAsync"/>. With <paramref name="memberId"/> of a member
    /// the broker still has, rejoins as that member and keeps its partitions. <see cref="TopicReader"/> with a group
    /// does all of this itself.
    /// </summary>
    public async ValueTask<GroupMembership> JoinGroupAsync(string group, string topic, TimeSpan sessionTimeout, string? memberId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sessionTimeout, TimeSpan.Zero);
        uint timeoutMs = (uint)Math.Min(uint.MaxValue, sessionTimeout.TotalMilliseconds);
        byte[] member = Encoding.UTF8.GetBytes(memberId ?? "");
        Span<byte> groupName = EncodeName(group, stackalloc byte[Protocol.MaxGroupNameBytes], nameof(group));
        Span<byte> topicName = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        var pending = BeginRequest(Opcode.JoinGroup, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteJoinGroup(_writeBuffer, pending.Id, groupName, topicName, member, timeoutMs); }
            finally { EndWrite(); }
        }
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            return ReadMembership(pending, withMember: true, null);
        }
        finally
        {
            Release(pending);
        }
    }

    /// <summary>
    /// Keeps a membership alive and learns its current assignment (PROTOCOL.md 5.30). <paramref name="owned"/> are the
    /// partitions the member still reads: one the broker asked back that is missing here is released to its new
    /// owner. Fails with <see cref="ErrorCode.UnknownMember"/> once the session ended (join again).
    /// </summary>
    public async ValueTask<GroupMembership> HeartbeatAsync(string group, string topic, string memberId, uint generation, IReadOnlyList<int> owned,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        byte[] member = Encoding.UTF8.GetBytes(memberId);
        var list = new int[owned.Count];
        for (int i = 0; i < list.Length; i++) list[i] = owned[i];
        Span<byte> groupName = EncodeName(group, stackalloc byte[Protocol.MaxGroupNameBytes], nameof(group));
        Span<byte> topicName = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        var pending = BeginRequest(Opcode.Heartbeat, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteHeartbeat(_writeBuffer, pending.Id, groupName, topicName, member, generation, list); }
            finally { EndWrite(); }
        }
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            return ReadMembership(pending, withMember: false, memberId);
        }
        finally
        {
            Release(pending);
        }
    }

    /// <summary>Leaves <paramref name="group"/> on <paramref name="topic"/> (PROTOCOL.md 5.31): the member's partitions go to
    /// the other members at once. Fails with <see cref="ErrorCode.UnknownMember"/> when it was not a member.</summary>
    public ValueTask LeaveGroupAsync(string group, string topic, string memberId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        byte[] member = Encoding.UTF8.GetBytes(memberId);
        Span<byte> groupName = EncodeName(group, stackalloc byte[Protocol.MaxGroupNameBytes], nameof(group));
        Span<byte> topicName = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        var pending = BeginRequest(Opcode.LeaveGroup, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteLeaveGroup(_writeBuffer, pending.Id, groupName, topicName, member); }
            finally { EndWrite(); }
        }
        return CompleteEmptyAsync(pending);
    }

    /// <summary>
    /// Stores the group's position as member <paramref name="memberId"/> of generation <paramref name="generation"/>
    /// (PROTOCOL.md 5.9). The broker refuses it with <see cref="ErrorCode.UnknownMember"/> when the member's session
    /// ended, and with <see cref="ErrorCode.StaleGeneration"/> when the member does not own the partition (any more).
    /// </summary>
    public ValueTask CommitPositionAsync(string group, string topic, int partition, long nextOffset, string memberId, uint generation,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(nextOffset);
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        byte[] member = Encoding.UTF8.GetBytes(memberId);
        Span<byte> groupName = EncodeName(group, stackalloc byte[Protocol.MaxGroupNameBytes], nameof(group));
        Span<byte> name = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        var pending = BeginRequest(Opcode.CommitPosition, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteCommitPosition(_writeBuffer, pending.Id, groupName, name, partition, nextOffset, member, generation); }
            finally { EndWrite(); }
        }
        return CompleteEmptyAsync(pending);
    }

    /// <summary>
    /// What <see cref="DescribeGroupAsync"/> answers, and the group's members with what each owns (PROTOCOL.md 5.27,
    /// with members). Without <paramref name="topic"/> it describes every topic the group has a position or members on.
    /// </summary>
    public async ValueTask<GroupDescription> DescribeGroupWithMembersAsync(string group, string? topic = null, CancellationToken cancellationToken = default)
    {
        Span<byte> groupName = EncodeName(group, stackalloc byte[Protocol.MaxGroupNameBytes], nameof(group));
        Span<byte> topicName = topic is null ? default : EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        var pending = BeginRequest(Opcode.DescribeGroup, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteDescribeGroup(_writeBuffer, pending.Id, groupName, topicName, DescribeGroupFlags.WithMembers); }
            finally { EndWrite(); }
        }
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            return ParseDescriptionWithMembers(pending.BodySpan) ?? throw ProtocolViolation("a malformed DescribeGroup response");
        }
        finally
        {
            Release(pending);
        }
    }

    private GroupMembership ReadMembership(PendingRequest pending, bool withMember, string? memberId)
    {
        if (!GroupAssignmentReader.TryParse(pending.BodySpan, withMember, out var a))
            throw ProtocolViolation($"a malformed {pending.Opcode} response");
        return new GroupMembership(withMember ? Encoding.UTF8.GetString(a.Member) : memberId!, a.Generation, a.Partitions.ToArray(),
            TimeSpan.FromMilliseconds(a.HeartbeatIntervalMs));
    }

    private static GroupDescription? ParseDescriptionWithMembers(ReadOnlySpan<byte> body)
    {
        if (!DescribeGroupResponseReader.TryCreate(body, out var reader)) return null;
        var entries = new List<GroupPartitionInfo>(reader.Remaining);
        while (reader.Remaining > 0)
        {
            if (!reader.TryReadNext(out var topic, out uint partition, out long committed, out long start, out long end, out long lag, out long age))
                return null;
            entries.Add(new GroupPartitionInfo(Encoding.UTF8.GetString(topic), (int)partition, committed < 0 ? null : committed, start, end, lag,
                age < 0 ? null : TimeSpan.FromMilliseconds(age)));
        }
        if (!reader.TryBeginMembers(out int count)) return null;
        var members = new List<GroupMemberInfo>(count);
        for (int i = 0; i < count; i++)
        {
            if (!reader.TryReadMember(out var topic, out var member, out var client, out uint generation, out uint timeout, out var assigned, out var revoking))
                return null;
            members.Add(new GroupMemberInfo(Encoding.UTF8.GetString(topic), Encoding.UTF8.GetString(member), Encoding.UTF8.GetString(client), generation,
                TimeSpan.FromMilliseconds(timeout), assigned.ToArray(), revoking.ToArray()));
        }
        return reader.IsComplete ? new GroupDescription(entries, members) : null;
    }
}
