using FastBroker.Load.Reports;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// Consumer throughput on a full topic: first publishes --count messages (the fill, reported apart and not part
/// of the measured time), then times only how fast --consumers drain them.
/// </summary>
internal sealed class ConsumeScenario : IScenario
{
    /// <inheritdoc/>
    public string Name => "consume";

    /// <inheritdoc/>
    public string Description => "Consumer throughput: fills the topic with --count messages (untimed), then times --consumers draining it";

    /// <inheritdoc/>
    public ScenarioFeatures Features => ScenarioFeatures.Window | ScenarioFeatures.Consumers;

    /// <inheritdoc/>
    public string Label(Runs.RunSettings settings) => Name;

    /// <inheritdoc/>
    public async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        var time = context.Time;
        var notes = new List<string>();

        var publishers = await context.CreatePublishersAsync().ConfigureAwait(false);
        ClosedLoopPhase.Outcome fill;
        TimeSpan fillElapsed;
        try
        {
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
            context.Monitor.BeginPhase("fill", keepSamples: false, consumeSide: false);
            long fillStart = time.GetTimestamp();
            fill = await ClosedLoopPhase.RunAsync(context, publishers, context.Settings.Count, stampClock: null, abort).ConfigureAwait(false);
            fillElapsed = time.GetElapsedTime(fillStart);
            await context.Monitor.EndPhaseAsync().ConfigureAwait(false);
            context.BrokerMemory?.Sample("after fill");
        }
        finally
        {
            await ScenarioContext.DisposeAllAsync(publishers).ConfigureAwait(false);
        }

        long filled = context.Metrics.Published;
        var fillOutcome = new PhaseOutcome
        {
            Messages = filled,
            ElapsedSeconds = fillElapsed.TotalSeconds,
            MessagesPerSecond = fillElapsed > TimeSpan.Zero ? filled / fillElapsed.TotalSeconds : 0,
        };
        if (fill.Error is not null || filled == 0 || context.Cancellation.IsCancellationRequested)
        {
            return new ScenarioResult
            {
                Published = filled,
                ConsumeSide = true,
                Fill = fillOutcome,
                EndReason = ScenarioTiming.EndReason(context, failed: true, complete: false),
                Error = context.Cancellation.IsCancellationRequested ? "interrupted while filling the topic"
                    : fill.Error is not null ? $"filling the topic failed: {Workers.Describe(fill.Error)}"
                    : "nothing was published to consume",
            };
        }
        if (filled < context.Settings.Count)
            notes.Add($"The fill reached --duration after {filled:N0} of {context.Settings.Count:N0} messages; the drain read those.");

        var consumers = await context.CreateConsumersAsync().ConfigureAwait(false);
        try
        {
            var run = new ConsumerRun(context, consumers, measureLatency: false);
            run.SetExpected(filled);
            context.Monitor.BeginPhase("drain", keepSamples: true, consumeSide: true);
            long start = time.GetTimestamp();
            run.Start();
            var outcome = await run.WaitAsync(ScenarioTiming.After(time, start, context.Settings.Duration)).ConfigureAwait(false);
            long end = outcome.LastTimestamp > start ? outcome.LastTimestamp : time.GetTimestamp();
            await context.Monitor.EndPhaseAsync().ConfigureAwait(false);

            return new ScenarioResult
            {
                Published = filled,
                Consumed = outcome.Consumed,
                Elapsed = time.GetElapsedTime(start, end),
                ConsumeSide = true,
                Fill = fillOutcome,
                EndReason = ScenarioTiming.EndReason(context, outcome.Error is not null, outcome.AllExpected),
                Error = outcome.Error,
                Notes = notes,
            };
        }
        finally
        {
            await ScenarioContext.DisposeAllAsync(consumers).ConfigureAwait(false);
        }
    }
}
