namespace FastBroker.Load.Scenarios;

/// <summary>
/// Latency under a fixed offered load: publishers send open loop at --rate messages per second (message i is
/// meant to go at start + i / rate), and consumers record receive time minus that intended time.
/// </summary>
internal sealed class LatencyScenario : IScenario
{
    /// <summary>How the latency of this scenario is measured; stated in its report.</summary>
    public const string LatencyMethod =
        "End to end from the intended send time: message i is scheduled at start + i / rate (open loop) and that time is written into its payload; "
        + "the consumer records its receive time minus the intended time. A publisher that falls behind sends at once and skips nothing, so its lag "
        + "is part of the latencies: coordinated omission is corrected by construction.";

    /// <inheritdoc/>
    public string Name => "latency";

    /// <inheritdoc/>
    public string Description => "Open-loop latency at --rate msg/s, measured from each message's intended send time (corrected for coordinated omission)";

    /// <inheritdoc/>
    public ScenarioFeatures Features => ScenarioFeatures.Window | ScenarioFeatures.Consumers | ScenarioFeatures.Rate | ScenarioFeatures.Latency;

    /// <inheritdoc/>
    public string Label(Runs.RunSettings settings) => $"latency @ {settings.Rate:N0} msg/s";

    /// <inheritdoc/>
    public Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        long planned = OpenLoopSchedule.MessagesWithin(context.Settings.Duration, context.Settings.Rate, context.Settings.Count);
        return ConcurrentRun.RunAsync(context, Name, LatencyMethod, planned,
            (c, publishers, start, abort) => RunPublishersAsync(c, publishers, start, planned, abort), latencyMustBeComplete: true);
    }

    private static async Task<ConcurrentRun.PublishOutcome> RunPublishersAsync(ScenarioContext context, Targets.IPublisher[] publishers,
        long start, long planned, CancellationTokenSource abort)
    {
        var time = context.Time;
        var schedule = new OpenLoopSchedule(ScenarioTiming.After(time, start, ScenarioTiming.OpenLoopLead), context.Settings.Rate, time.TimestampFrequency);
        using var stop = new CancellationTokenSource(ScenarioTiming.OpenLoopLead + context.Settings.Duration + ScenarioTiming.OpenLoopOverrun, time);
        var payloads = new byte[publishers.Length][];
        var stats = new Measurement.WorkerStats[publishers.Length];
        for (int i = 0; i < publishers.Length; i++)
        {
            payloads[i] = context.NewPayload();
            stats[i] = context.Metrics.AddPublisher();
        }
        var sender = new OpenLoopSender(publishers, payloads, stats, context.Settings.Window, context.Pacer, time);
        try
        {
            // Its own thread: pacing spins, which on a thread-pool thread would starve the consumers and the monitor.
            var outcome = await Task.Factory.StartNew(() => sender.Send(schedule, planned, stop.Token, abort.Token), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            await sender.FinishAsync(abort.Token).ConfigureAwait(false);
            return new ConcurrentRun.PublishOutcome(null, outcome.Sent, outcome.MaxLagTicks);
        }
        catch (Exception e)
        {
            // Cancelled because the consumers gave up or the user stopped the run: that cause is reported, not this.
            bool cancelled = e is OperationCanceledException && abort.IsCancellationRequested;
            await abort.CancelAsync().ConfigureAwait(false);
            return new ConcurrentRun.PublishOutcome(cancelled ? null : e, context.Metrics.Published, 0);
        }
    }
}
