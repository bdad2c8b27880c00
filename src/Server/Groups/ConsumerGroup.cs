using FastBroker.Wire;
using FastBroker.Wire.Messages.Groups;

namespace FastBroker.Server.Groups;

/// <summary>
/// The members of one group on one topic, who owns which partition, and the generation (PROTOCOL.md 5.29-5.31).
/// A partition that must move is first revoked: its owner keeps it (and may commit it) until it heartbeats without
/// it, leaves, or its session ends; only then is it given to its new owner. Every change of who may read what bumps
/// the generation. One lock per group: the coordinator is not on the message path.
/// </summary>
internal sealed class ConsumerGroup(string name, string topic, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly List<GroupMember> _members = [];
    private string?[] _owners = [];
    private bool[] _revoking = [];
    private uint _generation;

    public string Name { get; } = name;

    public string Topic { get; } = topic;

    /// <summary>Set under the lock once the group is empty and dropped by the coordinator: it takes no members again.</summary>
    public bool Closed { get; private set; }

    public bool HasMembers
    {
        get { lock (_lock) return _members.Count > 0; }
    }

    public uint Generation
    {
        get { lock (_lock) return _generation; }
    }

    /// <summary>
    /// Joins as a new member, or, when <paramref name="memberId"/> is still a member, rejoins as it (keeping its
    /// partitions). False when the group was closed meanwhile (the caller takes the coordinator's new one).
    /// </summary>
    public bool TryJoin(string memberId, string client, TimeSpan sessionTimeout, int partitionCount, int maxMembers, out GroupAssignment assignment,
        out ErrorCode error)
    {
        assignment = default;
        error = ErrorCode.None;
        lock (_lock)
        {
            if (Closed) return false;
            long now = time.GetTimestamp();
            Resize(partitionCount);
            var member = Find(memberId);
            if (member is null)
            {
                if (_members.Count >= maxMembers)
                {
                    error = ErrorCode.GroupBusy;
                    return true;
                }
                member = new GroupMember(Guid.NewGuid().ToString("N"), client, sessionTimeout, now);
                _members.Add(member);
                Rebalance();
            }
            else
            {
                (member.Client, member.SessionTimeout, member.LastSeen) = (client, sessionTimeout, now);
            }
            assignment = AssignmentOf(member);
            return true;
        }
    }

    /// <summary>
    /// Keeps <paramref name="memberId"/> alive and releases the partitions it was asked to give back and no longer
    /// reports in <paramref name="owned"/>; <see cref="ErrorCode.UnknownMember"/> when it is not a member.
    /// </summary>
    public ErrorCode Heartbeat(string memberId, ReadOnlySpan<int> owned, int partitionCount, out GroupAssignment assignment)
    {
        assignment = default;
        lock (_lock)
        {
            var member = Find(memberId);
            if (member is null) return ErrorCode.UnknownMember;
            member.LastSeen = time.GetTimestamp();
            bool changed = Resize(partitionCount);
            for (int p = 0; p < _owners.Length; p++)
            {
                if (_revoking[p] && ReferenceEquals(_owners[p], member.Id) && !owned.Contains(p))
                {
                    _owners[p] = null;
                    _revoking[p] = false;
                    changed = true;
                }
            }
            if (changed) Rebalance();
            assignment = AssignmentOf(member);
            return ErrorCode.None;
        }
    }

    /// <summary>Removes the member at once; its partitions go to the others. False when it was not a member.</summary>
    public bool Leave(string memberId)
    {
        lock (_lock)
        {
            var member = Find(memberId);
            if (member is null) return false;
            Remove(member);
            Rebalance();
            return true;
        }
    }

    /// <summary>Removes the members whose session timed out; closes the group when none is left. True when it closed.</summary>
    public bool Sweep()
    {
        lock (_lock)
        {
            bool removed = false;
            for (int i = _members.Count - 1; i >= 0; i--)
            {
                var member = _members[i];
                if (time.GetElapsedTime(member.LastSeen) > member.SessionTimeout)
                {
                    Remove(member);
                    removed = true;
                }
            }
            if (removed) Rebalance();
            if (_members.Count == 0) Closed = true;
            return Closed;
        }
    }

    /// <summary>
    /// The fencing of a CommitPosition with member fields (PROTOCOL.md 5.9): the member must be a member, name a
    /// generation the group has reached, and own the partition (one it is asked to give back counts: it commits
    /// before it confirms).
    /// </summary>
    public ErrorCode CheckCommit(string memberId, uint generation, int partition)
    {
        lock (_lock)
        {
            var member = Find(memberId);
            if (member is null) return ErrorCode.UnknownMember;
            if (generation > _generation || partition >= _owners.Length || !ReferenceEquals(_owners[partition], member.Id))
                return ErrorCode.StaleGeneration;
            return ErrorCode.None;
        }
    }

    /// <summary>The members in join order with what each owns, for DescribeGroup.</summary>
    public List<GroupMemberState> Describe()
    {
        lock (_lock)
        {
            var states = new List<GroupMemberState>(_members.Count);
            foreach (var member in _members)
            {
                var assigned = new List<int>();
                var revoking = new List<int>();
                for (int p = 0; p < _owners.Length; p++)
                {
                    if (!ReferenceEquals(_owners[p], member.Id)) continue;
                    (_revoking[p] ? revoking : assigned).Add(p);
                }
                states.Add(new GroupMemberState(Topic, member.Id, member.Client, _generation, (int)member.SessionTimeout.TotalMilliseconds,
                    [.. assigned], [.. revoking]));
            }
            return states;
        }
    }

    private GroupMember? Find(string memberId)
    {
        foreach (var member in _members)
            if (member.Id == memberId) return member;
        return null;
    }

    private void Remove(GroupMember member)
    {
        _members.Remove(member);
        for (int p = 0; p < _owners.Length; p++)
        {
            if (!ReferenceEquals(_owners[p], member.Id)) continue;
            _owners[p] = null;
            _revoking[p] = false;
        }
    }

    // A topic only grows (AlterTopic cannot shrink it); a re-created one with fewer partitions drops the rest.
    private bool Resize(int partitionCount)
    {
        if (partitionCount == _owners.Length) return false;
        Array.Resize(ref _owners, partitionCount);
        Array.Resize(ref _revoking, partitionCount);
        Rebalance();
        return true;
    }

    /// <summary>Gives every unowned partition to its target owner and asks back the owned ones whose target is
    /// another member; bumps the generation when anything changed.</summary>
    private void Rebalance()
    {
        var owners = new int[_owners.Length];
        for (int p = 0; p < owners.Length; p++) owners[p] = _owners[p] is { } id ? IndexOf(id) : -1;
        var target = StickyAssignor.Assign(_members.Count, owners);
        bool changed = false;
        for (int p = 0; p < owners.Length; p++)
        {
            string? wanted = target[p] >= 0 ? _members[target[p]].Id : null;
            if (_owners[p] is null)
            {
                if (wanted is null) continue;
                _owners[p] = wanted;
                changed = true;
            }
            else if (!ReferenceEquals(_owners[p], wanted) != _revoking[p])
            {
                // Asked back now, or no longer (its intended new owner left before it was released).
                _revoking[p] = !_revoking[p];
                changed = true;
            }
        }
        if (changed) _generation++;
    }

    private int IndexOf(string id)
    {
        for (int i = 0; i < _members.Count; i++)
            if (ReferenceEquals(_members[i].Id, id)) return i;
        return -1;
    }

    private GroupAssignment AssignmentOf(GroupMember member)
    {
        var partitions = new List<int>();
        for (int p = 0; p < _owners.Length; p++)
            if (ReferenceEquals(_owners[p], member.Id) && !_revoking[p]) partitions.Add(p);
        // Three heartbeats per session: one lost or late heartbeat does not end it.
        uint interval = (uint)Math.Max(1, member.SessionTimeout.TotalMilliseconds / 3);
        return new GroupAssignment(member.Id, _generation, [.. partitions], interval);
    }
}
