using System.Globalization;
using HdrHistogram;
using FastBroker.Load.Measurement;
using FastBroker.Load.Reports;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// The notes of a groups run: one line per phase, in a fixed shape that load/compare.sh turns into a table
/// ("Phase NAME (FROM-TO s): FIELD; FIELD; ..."), then one line per membership change and the totals.
/// </summary>
internal static class GroupsReport
{
    /// <summary>The notes, for a run whose last delivery was at <paramref name="end"/>.</summary>
    public static List<string> Notes(Runs.RunSettings settings, RebalancePlan plan, IReadOnlyList<GroupMemberProbe> probes,
        OwnershipTracker ownership, GroupLedger ledger, long published, long missing, long end, TimeSpan initialSettle)
    {
        var c = CultureInfo.InvariantCulture;
        var notes = new List<string>
        {
            string.Create(c, $"Group: {settings.Consumers} members at the start, one joins at {plan.Seconds(plan.JoinAt - plan.Start):0.0} s, the oldest leaves cleanly (commit, then LeaveGroup) at {plan.Seconds(plan.LeaveAt - plan.Start):0.0} s, the next is killed (stops reading, committing and heartbeating) at {plan.Seconds(plan.KillAt - plan.Start):0.0} s; "
                + $"{settings.Partitions} partitions, session timeout {settings.SessionTimeout.TotalSeconds:0.###} s (heartbeat every third of it), positions committed every 1 s and on revocation; the initial members settled in {initialSettle.TotalMilliseconds:N0} ms before the measured phase."),
        };
        long totalDuplicates = 0;
        foreach (var phase in RebalancePlan.Phases)
        {
            var (from, to) = plan.Span(phase, end);
            long delivered = 0, duplicates = 0, gap = 0;
            var latency = LatencyHistograms.Create();
            foreach (var probe in probes)
            {
                delivered += probe.Delivered(phase);
                duplicates += probe.Duplicates(phase);
                gap = Math.Max(gap, probe.LongestGap(phase));
                probe.DrainLatency(phase, latency);
            }
            totalDuplicates += duplicates;
            double seconds = plan.Seconds(to - from);
            string rate = seconds > 0 ? Count(delivered / seconds) : "-";
            notes.Add(string.Create(c, $"Phase {plan.Describe(phase, end)}: {rate} msg/s; ")
                + $"p50 {Percentile(latency, 50)}; p99 {Percentile(latency, 99)}; p99.9 {Percentile(latency, 99.9)}; max {Max(latency)}; "
                + $"longest partition gap {Millis(plan, gap)}; longest unowned {Millis(plan, ownership.LongestUnowned(phase))}; "
                + $"{Count(delivered)} delivered; {Count(duplicates)} duplicates.");
        }
        foreach (var change in new[] { RebalancePhase.Join, RebalancePhase.Leave, RebalancePhase.Kill })
        {
            string settled = ownership.SettledAfter(change) is { } ticks ? $"settled after {Millis(plan, ticks)}" : "did not settle before the run ended";
            notes.Add($"Change {RebalancePlan.Name(change)}: the group {settled} (every partition owned by one live member, counts within one).");
        }
        for (int m = 0; m < probes.Count; m++)
        {
            long delivered = 0;
            var per = new List<string>();
            foreach (var phase in RebalancePlan.Phases)
            {
                delivered += probes[m].Delivered(phase);
                per.Add(Count(probes[m].Delivered(phase)));
            }
            notes.Add(string.Create(c, $"Member {m}: {Count(delivered)} delivered (by phase: {string.Join(" / ", per)})."));
        }
        notes.Add(string.Create(c, $"Group total: {Count(published)} published, {Count(ledger.Distinct)} received, {Count(totalDuplicates)} duplicates, {Count(missing)} missing."));
        return notes;
    }

    private static string Count(double value) => NumberText.Count(value);

    private static string Millis(RebalancePlan plan, long ticks) => string.Create(CultureInfo.InvariantCulture, $"{plan.Seconds(ticks) * 1000:N0} ms");

    private static string Percentile(HistogramBase histogram, double percentile)
        => histogram.TotalCount == 0 ? "-" : NumberText.Latency(LatencySummary.Percentile(histogram, percentile));

    private static string Max(HistogramBase histogram)
        => histogram.TotalCount == 0 ? "-" : NumberText.Latency(histogram.GetMaxValue() / 1000.0);
}
