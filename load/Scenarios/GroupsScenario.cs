using System.Globalization;
using FastBroker.Load.Measurement;
using FastBroker.Load.Reports;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// Consumer-group rebalancing under load: --consumers members of one group, whose partitions the broker assigns, read
/// a topic that publishers feed open loop at --rate; at a quarter of --duration a member joins, at half the oldest
/// leaves cleanly (commit, then LeaveGroup), at three quarters the next is killed (it stops reading, committing and
/// heartbeating; its partitions move when its --session-timeout has passed). Reported per phase
/// (<see cref="RebalancePlan"/>): delivered msg/s, latency from the intended send time, the longest time between two
/// deliveries of one partition, the longest time a partition had no live owner, duplicates across members, and how
/// long each change took to settle. A message the group never received fails the run.
/// </summary>
internal sealed class GroupsScenario : IScenario
{
    /// <summary>How the latency of this scenario is measured; stated in its report.</summary>
    public const string LatencyMethod = LatencyScenario.LatencyMethod
        + " Each delivery is counted in the phase in which it was received; a message delivered twice contributes twice.";

    // How often ownership is sampled and the timeline checked.
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    /// <inheritdoc/>
    public string Name => "groups";

    /// <inheritdoc/>
    public string Description => "Consumer-group rebalance under open-loop load: a member joins, one leaves, one is killed; per-phase throughput, latency, gaps, duplicates (fastbroker only)";

    /// <inheritdoc/>
    public ScenarioFeatures Features => ScenarioFeatures.Window | ScenarioFeatures.Rate | ScenarioFeatures.Latency | ScenarioFeatures.Groups;

    /// <inheritdoc/>
    public string Label(Runs.RunSettings settings) => string.Create(CultureInfo.InvariantCulture,
        $"groups {settings.Consumers}+1-1-1 @ {settings.Rate:N0} msg/s");

    /// <inheritdoc/>
    public async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        var settings = context.Settings;
        var time = context.Time;
        var plan = new RebalancePlan(settings.Duration, settings.SessionTimeout, time.TimestampFrequency);
        long planned = OpenLoopSchedule.MessagesWithin(settings.Duration, settings.Rate, settings.Count);
        var ledger = new GroupLedger(planned);
        // The initial sharing-out is tracked apart, so its unowned partitions do not count in the steady phase.
        var initial = new OwnershipTracker(settings.Partitions, plan);
        var ownership = new OwnershipTracker(settings.Partitions, plan);
        var members = new GroupMembers(context, plan, ledger, new PartitionGaps(settings.Partitions), settings.SessionTimeout);
        Targets.IPublisher[] publishers = [];
        string? error = null;
        long start = 0, end = 0, published = 0, maxLag = 0;
        var settle = TimeSpan.Zero;
        try
        {
            for (int i = 0; i < settings.Consumers; i++)
                await members.JoinAsync().ConfigureAwait(false);
            // The initial members share the partitions out before anything is measured (revocations wait for heartbeats).
            long joined = time.GetTimestamp();
            error = await WaitSettledAsync(context, members, initial, ScenarioTiming.After(time, joined, 3 * settings.SessionTimeout + TimeSpan.FromSeconds(5)))
                .ConfigureAwait(false);
            settle = time.GetElapsedTime(joined);
            if (error is null)
                publishers = await context.CreatePublishersAsync().ConfigureAwait(false);

            if (error is null)
            {
                using var abort = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
                context.Monitor.BeginPhase(Name, keepSamples: true, consumeSide: true);
                start = time.GetTimestamp();
                plan.Begin(start);
                var publishing = OpenLoopPublishing.RunAsync(context, publishers, start, planned, abort, sequenced: true);
                error = await RunTimelineAsync(context, plan, members, ownership).ConfigureAwait(false);
                if (error is not null)
                    await abort.CancelAsync().ConfigureAwait(false);
                var outcome = await publishing.ConfigureAwait(false);
                (published, maxLag) = (outcome.Published, outcome.MaxLagTicks);
                if (error is null && outcome.Error is not null)
                    error = $"a publisher failed: {Workers.Describe(outcome.Error)}";
                if (error is null)
                    error = await DrainAsync(context, members, ownership, ledger, published).ConfigureAwait(false);
                // Stopped inside the measured phase, so every delivery (a late duplicate too) is in its counts and latencies.
                var stopped = await members.StopAllAsync().ConfigureAwait(false);
                if (error is null && stopped is not null && !context.Cancellation.IsCancellationRequested)
                    error = $"a member failed: {Workers.Describe(stopped)}";
                end = Math.Max(context.Metrics.LastConsumedTimestamp, start);
                await context.Monitor.EndPhaseAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            var stopped = await members.StopAllAsync().ConfigureAwait(false);
            if (error is null && stopped is not null && !context.Cancellation.IsCancellationRequested)
                error = $"a member failed: {Workers.Describe(stopped)}";
            await ScenarioContext.DisposeAllAsync(publishers).ConfigureAwait(false);
        }

        long missing = start == 0 ? 0 : ledger.Missing(published);
        var notes = new List<string>();
        if (start != 0)
            notes.AddRange(GroupsReport.Notes(settings, plan, members.Probes, ownership, ledger, published, missing, end, settle));
        if (maxLag > 0)
            notes.Add($"The publishers were up to {NumberText.Latency(TimeSpan.FromSeconds((double)maxLag / time.TimestampFrequency).TotalMicroseconds)} behind their schedule; that delay is part of the latencies.");
        bool interrupted = context.Cancellation.IsCancellationRequested;
        if (error is null && !interrupted && missing > 0)
            error = $"The group never received {missing:N0} of {published:N0} published messages.";
        return new ScenarioResult
        {
            Published = published,
            Consumed = context.Metrics.Consumed,
            Elapsed = start == 0 ? TimeSpan.Zero : time.GetElapsedTime(start, end),
            ConsumeSide = true,
            EndReason = ScenarioTiming.EndReason(context, error is not null, published >= planned && missing == 0),
            LatencyMethod = LatencyMethod,
            Error = error,
            Notes = notes,
        };
    }

    private static async Task<string?> WaitSettledAsync(ScenarioContext context, GroupMembers members, OwnershipTracker ownership, long deadline)
    {
        var time = context.Time;
        while (true)
        {
            if (members.FirstFailure() is { } failure)
                return $"a member failed: {Workers.Describe(failure)}";
            ownership.Observe(time.GetTimestamp(), members.LiveAssignments());
            if (ownership.Settled)
                return null;
            if (time.GetTimestamp() >= deadline)
                return "the group's initial members did not settle (every partition owned once, counts within one) in time";
            await Task.Delay(Tick, time, context.Cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the membership changes on schedule until the publishing ends, sampling ownership.</summary>
    private static async Task<string?> RunTimelineAsync(ScenarioContext context, RebalancePlan plan, GroupMembers members, OwnershipTracker ownership)
    {
        var time = context.Time;
        var next = RebalancePhase.Join;
        try
        {
            while (!context.Cancellation.IsCancellationRequested)
            {
                long now = time.GetTimestamp();
                if (members.FirstFailure() is { } failure)
                    return $"a member failed: {Workers.Describe(failure)}";
                if (next <= RebalancePhase.Kill && now >= At(plan, next))
                {
                    ownership.Changed(next, now);
                    try
                    {
                        await (next switch
                        {
                            RebalancePhase.Join => members.JoinAsync(),
                            RebalancePhase.Leave => members.LeaveAsync(),
                            _ => members.KillAsync(),
                        }).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !context.Cancellation.IsCancellationRequested)
                    {
                        // Returned, not thrown: the caller still stops the publishers and writes the report.
                        return $"the {RebalancePlan.Name(next)} failed: {Workers.Describe(e)}";
                    }
                    next += 2;
                }
                ownership.Observe(time.GetTimestamp(), members.LiveAssignments());
                if (now >= plan.End)
                    return null;
                await Task.Delay(Tick, time, context.Cancellation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
        }
        return null;
    }

    private static long At(RebalancePlan plan, RebalancePhase change) => change switch
    {
        RebalancePhase.Join => plan.JoinAt,
        RebalancePhase.Leave => plan.LeaveAt,
        _ => plan.KillAt,
    };

    /// <summary>Waits until the group received every published message, failing after the idle timeout without progress
    /// or <see cref="ScenarioTiming.DrainGrace"/> in all.</summary>
    private static async Task<string?> DrainAsync(ScenarioContext context, GroupMembers members, OwnershipTracker ownership, GroupLedger ledger, long published)
    {
        var time = context.Time;
        long deadline = ScenarioTiming.After(time, time.GetTimestamp(), ScenarioTiming.DrainGrace);
        long lastProgress = time.GetTimestamp();
        long lastCount = -1;
        try
        {
            while (!context.Cancellation.IsCancellationRequested)
            {
                long now = time.GetTimestamp();
                long distinct = ledger.Distinct;
                if (distinct >= published)
                    return null;
                if (members.FirstFailure() is { } failure)
                    return $"a member failed: {Workers.Describe(failure)}";
                if (distinct != lastCount)
                    (lastCount, lastProgress) = (distinct, now);
                else if (time.GetElapsedTime(lastProgress, now) >= context.Settings.IdleTimeout)
                    return $"the group received nothing for {context.Settings.IdleTimeout.TotalSeconds:0.###} s (idle timeout) after {distinct:N0} of {published:N0} messages";
                if (now >= deadline)
                    return $"the group received {distinct:N0} of {published:N0} messages before the deadline (+{ScenarioTiming.DrainGrace.TotalSeconds:0} s)";
                ownership.Observe(now, members.LiveAssignments());
                await Task.Delay(Tick, time, context.Cancellation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
        }
        return null;
    }
}
