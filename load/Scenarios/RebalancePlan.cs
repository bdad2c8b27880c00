using System.Globalization;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// When a groups run changes its membership and which phase a moment belongs to: a member joins at a quarter of
/// --duration, one leaves cleanly at half, one is killed at three quarters. The window after a join or leave is one
/// session timeout long (three heartbeats: time for the owner to learn of a revocation, commit, give the partition
/// back, and for the new owner to learn it was given); after a kill it is two, since the partitions move only once
/// the session has timed out. Before <see cref="Begin"/> every moment is <see cref="RebalancePhase.Steady"/>.
/// </summary>
internal sealed class RebalancePlan
{
    /// <summary>Every phase, in order.</summary>
    public static readonly RebalancePhase[] Phases = Enum.GetValues<RebalancePhase>();

    private readonly long _frequency;
    private readonly TimeSpan _duration;
    private readonly TimeSpan _sessionTimeout;
    private long[] _bounds = [];

    /// <summary>A plan for a run of <paramref name="duration"/> whose members have <paramref name="sessionTimeout"/>.</summary>
    public RebalancePlan(TimeSpan duration, TimeSpan sessionTimeout, long timestampFrequency)
    {
        if (duration < MinimumDuration(sessionTimeout))
            throw new ArgumentOutOfRangeException(nameof(duration), duration, $"at least {MinimumDuration(sessionTimeout).TotalSeconds:0.#} s for this session timeout");
        _duration = duration;
        _sessionTimeout = sessionTimeout;
        _frequency = timestampFrequency;
    }

    /// <summary>The shortest run whose quarters hold the kill window and a second more: 4 × (2 × session timeout + 1 s).</summary>
    public static TimeSpan MinimumDuration(TimeSpan sessionTimeout) => 4 * (2 * sessionTimeout + TimeSpan.FromSeconds(1));

    /// <summary>When the measured phase began (a timestamp); 0 before <see cref="Begin"/>.</summary>
    public long Start => _bounds.Length > 0 ? _bounds[0] : 0;

    /// <summary>When the member joins, leaves, is killed (timestamps).</summary>
    public long JoinAt => _bounds[(int)RebalancePhase.Join];

    /// <inheritdoc cref="JoinAt"/>
    public long LeaveAt => _bounds[(int)RebalancePhase.Leave];

    /// <inheritdoc cref="JoinAt"/>
    public long KillAt => _bounds[(int)RebalancePhase.Kill];

    /// <summary>When the publishers stop (a timestamp).</summary>
    public long End => _bounds[^1];

    /// <summary>Fixes the timeline: the measured phase begins at <paramref name="start"/>.</summary>
    public void Begin(long start)
    {
        long quarter = Ticks(_duration / 4);
        long window = Ticks(_sessionTimeout);
        // Written once, before any message of the run exists; the handlers read it afterwards.
        Volatile.Write(ref _bounds, [start, start + quarter, start + quarter + window, start + 2 * quarter, start + 2 * quarter + window,
            start + 3 * quarter, start + 3 * quarter + 2 * window, start + Ticks(_duration)]);
    }

    /// <summary>The phase <paramref name="timestamp"/> falls in (the last one runs on past <see cref="End"/>). Allocation-free.</summary>
    public RebalancePhase PhaseAt(long timestamp)
    {
        var bounds = Volatile.Read(ref _bounds);
        // bounds[k] starts phase k for k < 7; bounds[7] is the end of the publishing, inside AfterKill.
        for (int k = Phases.Length - 1; k > 0; k--)
        {
            if (k < bounds.Length && timestamp >= bounds[k])
                return (RebalancePhase)k;
        }
        return RebalancePhase.Steady;
    }

    /// <summary>When <paramref name="phase"/> begins, and when it ends given the run ended at <paramref name="end"/>.</summary>
    public (long From, long To) Span(RebalancePhase phase, long end)
    {
        int k = (int)phase;
        long to = k + 1 < Phases.Length ? _bounds[k + 1] : Math.Max(end, _bounds[^1]);
        return (_bounds[k], Math.Min(to, Math.Max(end, _bounds[k])));
    }

    /// <summary>How a phase reads in a report, e.g. "join (15.0-18.0 s)", seconds from the start.</summary>
    public string Describe(RebalancePhase phase, long end)
    {
        var (from, to) = Span(phase, end);
        return string.Create(CultureInfo.InvariantCulture, $"{Name(phase)} ({Seconds(from - Start):0.0}-{Seconds(to - Start):0.0} s)");
    }

    /// <summary>The phase's name in reports.</summary>
    public static string Name(RebalancePhase phase) => phase switch
    {
        RebalancePhase.Steady => "steady",
        RebalancePhase.Join => "join",
        RebalancePhase.AfterJoin => "after join",
        RebalancePhase.Leave => "leave",
        RebalancePhase.AfterLeave => "after leave",
        RebalancePhase.Kill => "kill",
        _ => "after kill",
    };

    /// <summary>Timestamp ticks as seconds.</summary>
    public double Seconds(long ticks) => (double)ticks / _frequency;

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _frequency);
}
