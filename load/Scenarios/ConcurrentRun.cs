using FastBroker.Load.Reports;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// The shape shared by scenarios that publish and consume at the same time (e2e, latency): consumers start first
/// (so nothing published is missed), publishers run until their count or --duration, then consumers get
/// <see cref="ScenarioTiming.DrainGrace"/> to receive what was published. Throughput is counted on the consumer
/// side, from the start to the last message handled.
/// </summary>
internal static class ConcurrentRun
{
    /// <summary>What the publishers did.</summary>
    /// <param name="Error">The first publisher failure, or null.</param>
    /// <param name="Published">Messages published and acknowledged.</param>
    /// <param name="MaxLagTicks">Open loop only: the longest a message went out after its intended time.</param>
    public readonly record struct PublishOutcome(Exception? Error, long Published, long MaxLagTicks);

    /// <summary>Runs the publishers of a scenario; <paramref name="start"/> is when the measured phase began.</summary>
    public delegate Task<PublishOutcome> PublishPhase(ScenarioContext context, IPublisher[] publishers, long start, CancellationTokenSource abort);

    /// <summary>
    /// Runs <paramref name="publish"/> against consumers measuring latency. <paramref name="planned"/> is how many
    /// messages a complete run publishes. When <paramref name="latencyMustBeComplete"/>, consumers that could not
    /// receive every published message fail the run (the slowest messages would be missing from the latencies).
    /// With <paramref name="fanout"/>, consumer k reads fan-out subscription k, every subscription is expected to
    /// receive every message, and a subscription that missed any fails the run.
    /// </summary>
    public static async Task<ScenarioResult> RunAsync(ScenarioContext context, string phase, string latencyMethod, long planned,
        PublishPhase publish, bool latencyMustBeComplete, FanoutDelivery? fanout = null)
    {
        var time = context.Time;
        var consumers = fanout is null
            ? await context.CreateConsumersAsync().ConfigureAwait(false)
            : await fanout.CreateConsumersAsync(context).ConfigureAwait(false);
        long copies = fanout?.Subscriptions ?? 1;
        IPublisher[] publishers;
        try
        {
            publishers = await context.CreatePublishersAsync().ConfigureAwait(false);
        }
        catch
        {
            await ScenarioContext.DisposeAllAsync(consumers).ConfigureAwait(false);
            throw;
        }

        try
        {
            var run = new ConsumerRun(context, consumers, measureLatency: true, fanout?.Ledgers);
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
            context.Monitor.BeginPhase(phase, keepSamples: true, consumeSide: true);
            long start = time.GetTimestamp();
            run.Start();
            var consuming = run.WaitAsync(ScenarioTiming.After(time, start, context.Settings.Duration + ScenarioTiming.DrainGrace));
            var publishing = publish(context, publishers, start, abort);

            PublishOutcome published;
            bool publishersDone = await Task.WhenAny(publishing, consuming).ConfigureAwait(false) == publishing;
            if (publishersDone)
            {
                published = await publishing.ConfigureAwait(false);
                if (published.Error is null)
                    run.SetExpected(published.Published * copies);
                else
                    run.Cancel();
            }
            else
            {
                // Consumers stopped first (failed, went idle, or the deadline passed while publishes were still
                // unacknowledged): there is nothing left to publish for.
                await abort.CancelAsync().ConfigureAwait(false);
                published = await publishing.ConfigureAwait(false);
            }
            var consumed = await consuming.ConfigureAwait(false);
            long end = consumed.LastTimestamp > start ? consumed.LastTimestamp : time.GetTimestamp();
            await context.Monitor.EndPhaseAsync().ConfigureAwait(false);

            var notes = new List<string>();
            bool interrupted = context.Cancellation.IsCancellationRequested;
            string deadline = $"--duration + {ScenarioTiming.DrainGrace.TotalSeconds:0} s";
            string? error = published.Error is not null ? $"a publisher failed: {Workers.Describe(published.Error)}" : consumed.Error;
            if (error is null && !interrupted && !publishersDone)
            {
                error = $"The run reached its deadline ({deadline}) with publishes still unacknowledged: "
                    + $"{context.Metrics.Published:N0} acknowledged, {consumed.Consumed:N0} consumed.";
            }
            else if (error is null && !interrupted && !consumed.AllExpected)
            {
                string shortfall = $"Consumers received {consumed.Consumed:N0} of {published.Published * copies:N0} expected messages before the deadline ({deadline}).";
                if (latencyMustBeComplete)
                    error = shortfall + " The latencies would leave out the slowest messages.";
                else
                    notes.Add(shortfall);
            }
            if (fanout is not null && published.Error is null)
            {
                // Checked even when consuming failed: which subscription lost what is the first thing to know.
                var verdict = fanout.Check(published.Published, start, run.LastTimestamps(), time.TimestampFrequency);
                notes.AddRange(verdict.Notes);
                // A loss names the subscription and how much; what stopped the consumers (idle, failed) comes after it.
                if (!interrupted && verdict.Error is not null)
                    error = error is null ? verdict.Error : $"{verdict.Error} Also: {error}";
            }
            if (error is null && published.Published < planned)
                notes.Add($"Published {published.Published:N0} of {planned:N0} planned messages before --duration ended.");
            if (published.MaxLagTicks > 0)
            {
                var lag = TimeSpan.FromSeconds((double)published.MaxLagTicks / time.TimestampFrequency);
                notes.Add($"The publishers were up to {NumberText.Latency(lag.TotalMicroseconds)} behind their schedule; that delay is part of the latencies.");
            }

            return new ScenarioResult
            {
                Published = published.Published,
                Consumed = consumed.Consumed,
                Elapsed = time.GetElapsedTime(start, end),
                ConsumeSide = true,
                EndReason = ScenarioTiming.EndReason(context, error is not null, published.Published >= planned && consumed.AllExpected),
                LatencyMethod = latencyMethod,
                Error = error,
                Notes = notes,
            };
        }
        finally
        {
            await ScenarioContext.DisposeAllAsync(publishers).ConfigureAwait(false);
            await ScenarioContext.DisposeAllAsync(consumers).ConfigureAwait(false);
        }
    }
}
