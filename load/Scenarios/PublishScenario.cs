namespace FastBroker.Load.Scenarios;

/// <summary>
/// Closed-loop maximum publish throughput: every producer keeps --window publishes in flight, and a message
/// counts when the broker's acknowledgement for it arrives.
/// </summary>
internal sealed class PublishScenario : IScenario
{
    /// <inheritdoc/>
    public string Name => "publish";

    /// <inheritdoc/>
    public string Description => "Closed-loop publish throughput: each producer keeps --window publishes in flight; a message counts when its ack arrives";

    /// <inheritdoc/>
    public ScenarioFeatures Features => ScenarioFeatures.Window;

    /// <inheritdoc/>
    public string Label(Runs.RunSettings settings) => Name;

    /// <inheritdoc/>
    public async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        var publishers = await context.CreatePublishersAsync().ConfigureAwait(false);
        try
        {
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
            context.Monitor.BeginPhase(Name, keepSamples: true, consumeSide: false);
            long start = context.Time.GetTimestamp();
            var outcome = await ClosedLoopPhase.RunAsync(context, publishers, context.Settings.Count, stampClock: null, abort).ConfigureAwait(false);
            var elapsed = context.Time.GetElapsedTime(start);
            await context.Monitor.EndPhaseAsync().ConfigureAwait(false);

            return new ScenarioResult
            {
                Published = context.Metrics.Published,
                Elapsed = elapsed,
                ConsumeSide = false,
                EndReason = ScenarioTiming.EndReason(context, outcome.Error is not null, outcome.Published >= context.Settings.Count),
                Error = outcome.Error is null ? null : $"a publisher failed: {Workers.Describe(outcome.Error)}",
            };
        }
        finally
        {
            await ScenarioContext.DisposeAllAsync(publishers).ConfigureAwait(false);
        }
    }
}
