using FastBroker.Load.Measurement;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// The handler of one group member: counts each delivery, records its latency (receive time minus the intended send
/// time in the payload) into the run's histogram and into its phase's, notes duplicates across the group and the
/// time since the partition's previous delivery. One probe per member, so its counters have one writer; nothing
/// allocates per message.
/// </summary>
internal sealed class GroupMemberProbe
{
    private readonly RebalancePlan _plan;
    private readonly GroupLedger _ledger;
    private readonly PartitionGaps _gaps;
    private readonly WorkerStats _stats;
    private readonly LatencyRecorder _latency;
    private readonly TimeProvider _time;
    private readonly LatencyRecorder[] _phaseLatency;
    private readonly long[] _delivered;
    private readonly long[] _duplicates;
    private readonly long[] _longestGap;

    /// <summary>A probe counting into <paramref name="stats"/> and <paramref name="latency"/> (the run's), and into
    /// the group's <paramref name="ledger"/> and <paramref name="gaps"/>.</summary>
    public GroupMemberProbe(RebalancePlan plan, GroupLedger ledger, PartitionGaps gaps, WorkerStats stats, LatencyRecorder latency, TimeProvider time)
    {
        _plan = plan;
        _ledger = ledger;
        _gaps = gaps;
        _stats = stats;
        _latency = latency;
        _time = time;
        int phases = RebalancePlan.Phases.Length;
        _phaseLatency = new LatencyRecorder[phases];
        for (int k = 0; k < phases; k++)
            _phaseLatency[k] = new LatencyRecorder(time.TimestampFrequency);
        _delivered = new long[phases];
        _duplicates = new long[phases];
        _longestGap = new long[phases];
        Handler = OnMessage;
    }

    /// <summary>The handler to give the member (one delegate for the probe's lifetime).</summary>
    public GroupMessageHandler Handler { get; }

    /// <summary>Deliveries (duplicates included) handled in <paramref name="phase"/>.</summary>
    public long Delivered(RebalancePhase phase) => Volatile.Read(ref _delivered[(int)phase]);

    /// <summary>Deliveries of a message the group had received before, in <paramref name="phase"/>.</summary>
    public long Duplicates(RebalancePhase phase) => Volatile.Read(ref _duplicates[(int)phase]);

    /// <summary>The longest time between two deliveries of one partition that ended with a delivery to this member in
    /// <paramref name="phase"/>, in ticks.</summary>
    public long LongestGap(RebalancePhase phase) => Volatile.Read(ref _longestGap[(int)phase]);

    /// <summary>Adds this member's latencies of <paramref name="phase"/> to <paramref name="target"/> (after it stopped).</summary>
    public void DrainLatency(RebalancePhase phase, HdrHistogram.HistogramBase target) => _phaseLatency[(int)phase].DrainInto(target);

    private bool OnMessage(int partition, ReadOnlySpan<byte> payload)
    {
        long now = _time.GetTimestamp();
        int phase = (int)_plan.PhaseAt(now);
        if (PayloadStamp.TryRead(payload, out long sent))
        {
            _latency.RecordTicks(now - sent);
            _phaseLatency[phase].RecordTicks(now - sent);
        }
        if (_ledger.Record(payload) == GroupLedger.Delivery.Duplicate)
            Volatile.Write(ref _duplicates[phase], _duplicates[phase] + 1);
        long gap = _gaps.Observe(partition, now);
        if (gap > _longestGap[phase])
            Volatile.Write(ref _longestGap[phase], gap);
        Volatile.Write(ref _delivered[phase], _delivered[phase] + 1);
        _stats.Add(1, now);
        return true;
    }
}
