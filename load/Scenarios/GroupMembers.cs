using FastBroker.Load.Targets;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// The members of a groups run and their lifecycles: each reads on its own task from the moment it joins; a clean
/// stop commits and leaves; a kill stops reading, committing and heartbeating at once, and the member is disposed
/// (which would leave) only at the end of the run, long after its session timed out.
/// </summary>
internal sealed class GroupMembers
{
    private readonly ScenarioContext _context;
    private readonly RebalancePlan _plan;
    private readonly GroupLedger _ledger;
    private readonly PartitionGaps _gaps;
    private readonly TimeSpan _sessionTimeout;
    private readonly List<Member> _all = [];
    private bool _stopped;

    /// <summary>Members of the run's group for <paramref name="context"/>, counting along <paramref name="plan"/>.</summary>
    public GroupMembers(ScenarioContext context, RebalancePlan plan, GroupLedger ledger, PartitionGaps gaps, TimeSpan sessionTimeout)
    {
        _context = context;
        _plan = plan;
        _ledger = ledger;
        _gaps = gaps;
        _sessionTimeout = sessionTimeout;
    }

    /// <summary>Every member that ever joined, in the order they joined.</summary>
    public IReadOnlyList<GroupMemberProbe> Probes => _all.ConvertAll(m => m.Probe);

    /// <summary>How many members joined in all.</summary>
    public int Joined => _all.Count;

    /// <summary>The assignments of the members still reading (not stopped, not killed), for <see cref="OwnershipTracker"/>.</summary>
    public IReadOnlyList<IReadOnlyList<int>> LiveAssignments()
    {
        var live = new List<IReadOnlyList<int>>(_all.Count);
        foreach (var m in _all)
        {
            if (m.Live)
                live.Add(m.Group.AssignedPartitions);
        }
        return live;
    }

    /// <summary>Joins a new member and starts it reading.</summary>
    public async Task JoinAsync()
    {
        var group = await _context.Target.CreateGroupMemberAsync(_context.ConsumerGroup, _sessionTimeout, _context.Cancellation).ConfigureAwait(false);
        var probe = new GroupMemberProbe(_plan, _ledger, _gaps, _context.Metrics.AddConsumer(), _context.Metrics.AddLatencyRecorder(), _context.Time);
        var member = new Member(group, probe, _context.Cancellation);
        _all.Add(member);
        member.Task = Task.Run(() => group.ConsumeAsync(probe.Handler, member.Stop.Token, member.Crash.Token));
    }

    /// <summary>Stops the oldest live member cleanly: it commits, then leaves the group.</summary>
    public async Task LeaveAsync()
    {
        var member = OldestLive() ?? throw new InvalidOperationException("no live member to leave");
        member.Live = false;
        await member.Stop.CancelAsync().ConfigureAwait(false);
        await member.Task!.ConfigureAwait(false);
        await member.Group.DisposeAsync().ConfigureAwait(false);
        member.Disposed = true;
    }

    /// <summary>Stops the oldest live member as a killed process would: no commit, no heartbeat, no leave.</summary>
    public async Task KillAsync()
    {
        var member = OldestLive() ?? throw new InvalidOperationException("no live member to kill");
        member.Live = false;
        await member.Crash.CancelAsync().ConfigureAwait(false);
        await member.Task!.ConfigureAwait(false);
    }

    /// <summary>The first failure of a member's reading, or null.</summary>
    public Exception? FirstFailure()
    {
        foreach (var m in _all)
        {
            if (m.Task is { IsFaulted: true } task)
                return task.Exception!.InnerException ?? task.Exception;
        }
        return null;
    }

    /// <summary>Stops every member still reading cleanly and disposes every member; returns the first failure. Only the
    /// first call does anything.</summary>
    public async Task<Exception?> StopAllAsync()
    {
        if (_stopped)
            return null;
        _stopped = true;
        Exception? first = null;
        foreach (var m in _all)
        {
            if (m.Live)
                await m.Stop.CancelAsync().ConfigureAwait(false);
        }
        foreach (var m in _all)
        {
            try
            {
                if (m.Task is not null)
                    await m.Task.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                first ??= e;
            }
            try
            {
                if (!m.Disposed)
                    await m.Group.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                first ??= e;
            }
            m.Stop.Dispose();
            m.Crash.Dispose();
        }
        return first;
    }

    private Member? OldestLive() => _all.Find(m => m.Live);

    private sealed class Member(IGroupMember group, GroupMemberProbe probe, CancellationToken run)
    {
        public IGroupMember Group { get; } = group;

        public GroupMemberProbe Probe { get; } = probe;

        public CancellationTokenSource Stop { get; } = CancellationTokenSource.CreateLinkedTokenSource(run);

        public CancellationTokenSource Crash { get; } = new();

        public Task<long>? Task { get; set; }

        public bool Live { get; set; } = true;

        public bool Disposed { get; set; }
    }
}
