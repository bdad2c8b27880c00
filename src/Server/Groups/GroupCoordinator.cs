using System.Collections.Concurrent;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Groups;

namespace FastBroker.Server.Groups;

/// <summary>
/// The broker's consumer-group coordinator (PROTOCOL.md 5.29-5.31): one <see cref="ConsumerGroup"/> per group and
/// topic. Membership lives in memory only: after a restart there are no members, and readers join again (their
/// next heartbeat answers <see cref="ErrorCode.UnknownMember"/>). A timer on the broker's clock ends sessions that
/// stopped heartbeating; it runs only while some group has members.
/// </summary>
internal sealed class GroupCoordinator : IDisposable
{
    /// <summary>Shortest session timeout a member may ask for.</summary>
    public static readonly TimeSpan MinSessionTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Longest session timeout a member may ask for.</summary>
    public static readonly TimeSpan MaxSessionTimeout = TimeSpan.FromMinutes(5);

    /// <summary>How often sessions are checked: a session ends at most this long after its timeout.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Members one group may have on one topic; more than partitions would only idle.</summary>
    public const int MaxMembers = Protocol.MaxPartitions;

    private readonly ConcurrentDictionary<(string Group, string Topic), ConsumerGroup> _groups = new();
    private readonly TimeProvider _time;
    private readonly Lock _timerLock = new();
    private ITimer? _sweeper;
    private bool _disposed;

    public GroupCoordinator(TimeProvider time, CancellationToken stopping = default)
    {
        _time = time;
        stopping.Register(Dispose);
    }

    /// <summary>Joins (or rejoins, see <see cref="ConsumerGroup.TryJoin"/>) <paramref name="group"/> on <paramref name="topic"/>.</summary>
    public ErrorCode Join(string group, string topic, string memberId, string client, TimeSpan sessionTimeout, int partitionCount,
        out GroupAssignment assignment)
    {
        while (true)
        {
            var state = _groups.GetOrAdd((group, topic), static (key, time) => new ConsumerGroup(key.Group, key.Topic, time), _time);
            if (state.TryJoin(memberId, client, sessionTimeout, partitionCount, MaxMembers, out assignment, out var error))
            {
                StartSweeping();
                return error;
            }
            // Closed between the lookup and the join: the sweep removed it; the next GetOrAdd makes a new one.
            _groups.TryRemove(new KeyValuePair<(string, string), ConsumerGroup>((group, topic), state));
        }
    }

    public ErrorCode Heartbeat(string group, string topic, string memberId, ReadOnlySpan<int> owned, int partitionCount, out GroupAssignment assignment)
    {
        assignment = default;
        return _groups.TryGetValue((group, topic), out var state) ? state.Heartbeat(memberId, owned, partitionCount, out assignment) : ErrorCode.UnknownMember;
    }

    public ErrorCode Leave(string group, string topic, string memberId)
        => _groups.TryGetValue((group, topic), out var state) && state.Leave(memberId) ? ErrorCode.None : ErrorCode.UnknownMember;

    /// <summary>True when <paramref name="group"/> has members on <paramref name="topic"/>.</summary>
    public bool HasMembers(string group, string topic) => _groups.TryGetValue((group, topic), out var state) && state.HasMembers;

    /// <summary>See <see cref="ConsumerGroup.CheckCommit"/>; <see cref="ErrorCode.UnknownMember"/> when the group has no members there.</summary>
    public ErrorCode CheckCommit(string group, string topic, string memberId, uint generation, int partition)
        => _groups.TryGetValue((group, topic), out var state) ? state.CheckCommit(memberId, generation, partition) : ErrorCode.UnknownMember;

    /// <summary>The members of <paramref name="group"/> on every topic (or on <paramref name="topic"/>), topics in
    /// ordinal order, members in join order.</summary>
    public List<GroupMemberState> Describe(string group, string? topic)
    {
        var states = new List<GroupMemberState>();
        var groups = new List<ConsumerGroup>();
        foreach (var (key, state) in _groups)
            if (key.Group == group && (topic is null || key.Topic == topic)) groups.Add(state);
        groups.Sort((a, b) => string.CompareOrdinal(a.Topic, b.Topic));
        foreach (var state in groups) states.AddRange(state.Describe());
        return states;
    }

    /// <summary>The topics <paramref name="group"/> has members on.</summary>
    public List<string> TopicsWithMembers(string group)
    {
        var topics = new List<string>();
        foreach (var (key, state) in _groups)
            if (key.Group == group && state.HasMembers) topics.Add(key.Topic);
        return topics;
    }

    /// <summary>Ends the sessions that timed out and drops the groups left empty; stops the timer when none is left.</summary>
    public void Sweep()
    {
        foreach (var (key, state) in _groups)
            if (state.Sweep()) _groups.TryRemove(new KeyValuePair<(string, string), ConsumerGroup>(key, state));
        lock (_timerLock)
        {
            if (!_groups.IsEmpty || _sweeper is null) return;
            _sweeper.Dispose();
            _sweeper = null;
        }
        // A join may have added a group after the check above; it starts the timer again itself, after its join.
        if (!_groups.IsEmpty) StartSweeping();
    }

    public void Dispose()
    {
        lock (_timerLock)
        {
            _disposed = true;
            _sweeper?.Dispose();
            _sweeper = null;
        }
    }

    private void StartSweeping()
    {
        lock (_timerLock)
        {
            if (_sweeper is not null || _disposed) return;
            _sweeper = _time.CreateTimer(static state => ((GroupCoordinator)state!).Sweep(), this, SweepInterval, SweepInterval);
        }
    }
}
