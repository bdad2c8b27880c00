namespace FastBroker.Load.Scenarios;

/// <summary>
/// Samples who owns which partition, as the live members last learnt it (their assigned partitions), and derives per
/// phase the longest time a partition had no live owner, and per membership change how long until the group settled:
/// every partition owned by exactly one live member and the members' counts within one of each other. A member's view
/// changes at its heartbeats, so these times include the heartbeat delays a real consumer would see.
/// </summary>
internal sealed class OwnershipTracker
{
    private readonly RebalancePlan _plan;
    private readonly long[] _unownedSince;
    private readonly int[] _owners;
    private readonly long[] _longestUnowned = new long[RebalancePlan.Phases.Length];
    private readonly long?[] _settledAfter = new long?[RebalancePlan.Phases.Length];
    private readonly long?[] _changedAt = new long?[RebalancePlan.Phases.Length];

    /// <summary>A tracker of <paramref name="partitions"/> partitions along <paramref name="plan"/>.</summary>
    public OwnershipTracker(int partitions, RebalancePlan plan)
    {
        _plan = plan;
        _unownedSince = new long[partitions];
        _owners = new int[partitions];
    }

    /// <summary>True when the last sample found the group settled.</summary>
    public bool Settled { get; private set; }

    /// <summary>Notes that the membership changed at <paramref name="at"/> (a timestamp), starting <paramref name="phase"/>.</summary>
    public void Changed(RebalancePhase phase, long at)
    {
        _changedAt[(int)phase] = at;
        _settledAfter[(int)phase] = null;
    }

    /// <summary>Samples the assignments of the live members at <paramref name="now"/>.</summary>
    public void Observe(long now, IReadOnlyList<IReadOnlyList<int>> assignments)
    {
        Array.Clear(_owners);
        int least = int.MaxValue, most = 0;
        foreach (var partitions in assignments)
        {
            least = Math.Min(least, partitions.Count);
            most = Math.Max(most, partitions.Count);
            foreach (int p in partitions)
            {
                if ((uint)p < (uint)_owners.Length)
                    _owners[p]++;
            }
        }
        bool settled = assignments.Count > 0 && most - least <= 1;
        for (int p = 0; p < _owners.Length; p++)
        {
            if (_owners[p] != 1)
                settled = false;
            if (_owners[p] == 0)
            {
                if (_unownedSince[p] == 0)
                    _unownedSince[p] = now;
                Note(p, now);
            }
            else if (_unownedSince[p] != 0)
            {
                Note(p, now);
                _unownedSince[p] = 0;
            }
        }
        Settled = settled;
        if (!settled)
            return;
        for (int k = 0; k < _changedAt.Length; k++)
        {
            if (_changedAt[k] is { } at && _settledAfter[k] is null)
                _settledAfter[k] = now - at;
        }
    }

    /// <summary>The longest a partition had no live owner, in ticks, counted in the phase where it lost its owner.</summary>
    public long LongestUnowned(RebalancePhase phase) => _longestUnowned[(int)phase];

    /// <summary>Ticks from the membership change that began <paramref name="phase"/> until the group was settled; null
    /// when it did not change there or never settled.</summary>
    public long? SettledAfter(RebalancePhase phase) => _settledAfter[(int)phase];

    private void Note(int partition, long now)
    {
        long since = _unownedSince[partition];
        int phase = (int)_plan.PhaseAt(since);
        _longestUnowned[phase] = Math.Max(_longestUnowned[phase], now - since);
    }
}
