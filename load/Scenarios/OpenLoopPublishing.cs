namespace FastBroker.Load.Scenarios;

/// <summary>The publishing side of the open-loop scenarios (latency, groups): one sender thread keeping the schedule
/// of --rate from <c>start</c> plus a short lead, then every publish in flight awaited.</summary>
internal static class OpenLoopPublishing
{
    /// <summary>Publishes <paramref name="planned"/> messages on schedule; with <paramref name="sequenced"/> message
    /// <i>i</i> also carries the sequence number <i>i</i>. Failures come back in the outcome.</summary>
    public static async Task<ConcurrentRun.PublishOutcome> RunAsync(ScenarioContext context, Targets.IPublisher[] publishers,
        long start, long planned, CancellationTokenSource abort, bool sequenced = false)
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
        var sender = new OpenLoopSender(publishers, payloads, stats, context.Settings.Window, context.Pacer, time, sequenced);
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
