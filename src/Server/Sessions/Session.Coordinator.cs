using System.Text;
using FastBroker.Server.Groups;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Groups;

namespace FastBroker.Server.Sessions;

internal sealed partial class Session
{
    // PROTOCOL.md 5.29, checked in the order of section 3.1: group, topic, then the session timeout.
    private void JoinGroup(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!JoinGroupRequest.TryParse(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed join-group request");
            return;
        }
        if (!TryGroupName(requestId, request.Group, out string group)) return;
        if (!TryResolveTopic(requestId, request.Topic, out var topic)) return;
        var timeout = TimeSpan.FromMilliseconds(request.SessionTimeoutMs);
        if (timeout < GroupCoordinator.MinSessionTimeout || timeout > GroupCoordinator.MaxSessionTimeout)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"session timeout {request.SessionTimeoutMs} ms is outside " +
                $"{GroupCoordinator.MinSessionTimeout.TotalMilliseconds}..{GroupCoordinator.MaxSessionTimeout.TotalMilliseconds} ms");
            return;
        }
        var code = _broker.Groups.Join(group, topic.Name, Encoding.UTF8.GetString(request.Member), _clientName, timeout, topic.Partitions.Length,
            out var assignment);
        if (code != ErrorCode.None)
        {
            Fail(requestId, code, $"group '{group}' has {GroupCoordinator.MaxMembers} members on '{topic.Name}' already");
            return;
        }
        Enqueue(new Outbound(OutboundKind.GroupAssignment, Opcode.JoinGroup, requestId, Data: assignment));
    }

    // PROTOCOL.md 5.30: keeps the member alive, releases what it gave back, answers what it may read now.
    private void Heartbeat(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!HeartbeatRequest.TryParse(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed heartbeat request");
            return;
        }
        if (!TryGroupName(requestId, request.Group, out string group)) return;
        if (!TryResolveTopic(requestId, request.Topic, out var topic)) return;
        if (request.Owned.Count > Protocol.MaxPartitions)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"a heartbeat lists at most {Protocol.MaxPartitions} partitions, not {request.Owned.Count}");
            return;
        }
        var owned = request.Owned.ToArray();
        string member = Encoding.UTF8.GetString(request.Member);
        var code = _broker.Groups.Heartbeat(group, topic.Name, member, owned, topic.Partitions.Length, out var assignment);
        if (code != ErrorCode.None)
        {
            Fail(requestId, code, $"'{member}' is not a member of group '{group}' on '{topic.Name}' (its session ended, it left, or the broker restarted): join again");
            return;
        }
        Enqueue(new Outbound(OutboundKind.GroupAssignment, Opcode.Heartbeat, requestId, Data: assignment));
    }

    // PROTOCOL.md 5.31: the topic need not exist any more (a member of a deleted topic's group may still leave).
    private void LeaveGroup(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!LeaveGroupRequest.TryParse(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed leave-group request");
            return;
        }
        if (!TryGroupName(requestId, request.Group, out string group)) return;
        if (!Topics.TopicName.IsValid(request.Topic))
        {
            Fail(requestId, ErrorCode.InvalidTopicName, "invalid topic name: use 1-249 characters of [A-Za-z0-9._-]");
            return;
        }
        string topic = Encoding.UTF8.GetString(request.Topic);
        string member = Encoding.UTF8.GetString(request.Member);
        Answer(requestId, Opcode.LeaveGroup, _broker.Groups.Leave(group, topic, member),
            $"'{member}' is not a member of group '{group}' on '{topic}'");
    }

    /// <summary>The fencing of PROTOCOL.md 5.9: a member's commit must come from the partition's owner; a commit without
    /// member fields is refused while the group has members on the topic.</summary>
    private bool TryFenceCommit(uint requestId, in Wire.Messages.PositionRequest request, in Positions.PositionKey key)
    {
        if (request.HasMember)
        {
            string member = Encoding.UTF8.GetString(request.Member);
            var code = _broker.Groups.CheckCommit(key.Group, key.Topic, member, request.Generation, key.Partition);
            if (code == ErrorCode.None) return true;
            Fail(requestId, code, code == ErrorCode.UnknownMember
                ? $"'{member}' is not a member of group '{key.Group}' on '{key.Topic}': join again"
                : $"'{member}' does not own partition {key.Partition} of '{key.Topic}' in group '{key.Group}' (generation {request.Generation}): heartbeat for the current assignment");
            return false;
        }
        if (!_broker.Groups.HasMembers(key.Group, key.Topic)) return true;
        Fail(requestId, ErrorCode.GroupBusy, $"group '{key.Group}' has members on '{key.Topic}': only they commit there, with their member id and generation");
        return false;
    }

    private void WriteAssignment(System.IO.Pipelines.PipeWriter output, in Outbound item)
    {
        var assignment = (GroupAssignment)item.Data!;
        if (item.Opcode == Opcode.JoinGroup)
            Wire.Messages.FrameWriter.WriteJoinGroupResponse(output, item.RequestId, Encoding.UTF8.GetBytes(assignment.Member), assignment.Generation,
                assignment.HeartbeatIntervalMs, assignment.Partitions);
        else
            Wire.Messages.FrameWriter.WriteHeartbeatResponse(output, item.RequestId, assignment.Generation, assignment.HeartbeatIntervalMs, assignment.Partitions);
    }
}
