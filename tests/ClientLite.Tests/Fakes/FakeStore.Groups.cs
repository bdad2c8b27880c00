using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Groups;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>
/// A small coordinator (PROTOCOL.md 5.29-5.31): partition p belongs to member p mod n in join order; one owned by
/// someone else is asked back first and given on once its owner heartbeats without it. No session timeouts: tests
/// remove members with <see cref="ExpireMember"/>.
/// </summary>
internal sealed partial class FakeStore
{
    private readonly List<string> _members = [];
    private readonly Dictionary<int, (string Owner, bool Revoking)> _owners = [];
    private uint _generation;
    private int _nextMember;

    /// <summary>When true the broker answers the coordinator's opcodes UnknownOpcode, as one that predates it.</summary>
    public bool WithoutCoordinator { get; set; }

    /// <summary>The heartbeat interval the fake asks members for; short, so tests on the real clock run quickly.</summary>
    public uint HeartbeatIntervalMs { get; set; } = 50;

    /// <summary>Member ids in join order.</summary>
    public IReadOnlyList<string> Members
    {
        get { lock (_lock) return [.. _members]; }
    }

    /// <summary>Commits refused because the member did not own the partition.</summary>
    public int FencedCommits { get; private set; }

    /// <summary>Ends a member's session as the broker would after its timeout.</summary>
    public void ExpireMember(string member)
    {
        lock (_lock)
        {
            _members.Remove(member);
            foreach (var (p, (owner, _)) in _owners.ToList())
                if (owner == member) _owners.Remove(p);
            RebalanceLocked();
        }
    }

    private byte[]? ProcessGroupsLocked(FrameHeader header, byte[] body)
    {
        uint id = header.RequestId;
        if (header.Opcode is Opcode.JoinGroup or Opcode.Heartbeat or Opcode.LeaveGroup && WithoutCoordinator)
            return Frames.Error(id, ErrorCode.UnknownOpcode, $"unknown opcode 0x{(ushort)header.Opcode:X4}");
        switch (header.Opcode)
        {
            case Opcode.JoinGroup when JoinGroupRequest.TryParse(body, out var join):
            {
                string member = Frames.Utf8(join.Member);
                if (!_members.Contains(member))
                {
                    member = $"member-{++_nextMember}";
                    _members.Add(member);
                    RebalanceLocked(_topics[Frames.Utf8(join.Topic)].Length);
                }
                var partitions = AssignedLocked(member);
                return Frames.Encode(w => FrameWriter.WriteJoinGroupResponse(w, id, System.Text.Encoding.UTF8.GetBytes(member), _generation, HeartbeatIntervalMs, partitions));
            }
            case Opcode.Heartbeat when HeartbeatRequest.TryParse(body, out var beat):
            {
                string member = Frames.Utf8(beat.Member);
                if (!_members.Contains(member))
                    return Frames.Error(id, ErrorCode.UnknownMember, "not a member");
                var owned = beat.Owned.ToArray();
                bool released = false;
                foreach (var (p, (owner, revoking)) in _owners.ToList())
                {
                    if (owner == member && revoking && !owned.Contains(p))
                    {
                        _owners.Remove(p);
                        released = true;
                    }
                }
                if (released) RebalanceLocked();
                var partitions = AssignedLocked(member);
                return Frames.Encode(w => FrameWriter.WriteHeartbeatResponse(w, id, _generation, HeartbeatIntervalMs, partitions));
            }
            case Opcode.LeaveGroup when LeaveGroupRequest.TryParse(body, out var leave):
            {
                string member = Frames.Utf8(leave.Member);
                if (!_members.Contains(member))
                    return Frames.Error(id, ErrorCode.UnknownMember, "not a member");
                ExpireMember(member);
                return Empty(Opcode.LeaveGroup, id);
            }
            default:
                return null;
        }
    }

    /// <summary>The fencing of a commit: null when accepted, else the error frame.</summary>
    private byte[]? FenceLocked(uint id, in PositionRequest commit)
    {
        if (!commit.HasMember)
            return _members.Count > 0 ? Frames.Error(id, ErrorCode.GroupBusy, "the group has members") : null;
        string member = Frames.Utf8(commit.Member);
        if (!_members.Contains(member))
            return Frames.Error(id, ErrorCode.UnknownMember, "not a member");
        if (_owners.TryGetValue((int)commit.Partition, out var owner) && owner.Owner == member)
            return null;
        FencedCommits++;
        return Frames.Error(id, ErrorCode.StaleGeneration, "not the owner");
    }

    private int _partitionCount;

    private void RebalanceLocked(int partitionCount = -1)
    {
        if (partitionCount >= 0) _partitionCount = partitionCount;
        bool changed = false;
        for (int p = 0; p < _partitionCount; p++)
        {
            string? wanted = _members.Count == 0 ? null : _members[p % _members.Count];
            if (!_owners.TryGetValue(p, out var current))
            {
                if (wanted is null) continue;
                _owners[p] = (wanted, false);
                changed = true;
            }
            else if ((current.Owner != wanted) != current.Revoking)
            {
                _owners[p] = (current.Owner, !current.Revoking);
                changed = true;
            }
        }
        if (changed) _generation++;
    }

    private int[] AssignedLocked(string member)
        => [.. _owners.Where(o => o.Value.Owner == member && !o.Value.Revoking).Select(o => o.Key).Order()];
}
