namespace FastBroker.Load.Scenarios;

/// <summary>
/// Producers and consumers at once: throughput counted on the consumer side, plus end-to-end latency from the
/// send time each publisher writes into the payload to the moment a consumer handles it.
/// </summary>
internal sealed class EndToEndScenario : IScenario
{
    /// <summary>How the latency of this scenario is measured; stated in its report.</summary>
    public const string LatencyMethod =
        "End to end: consumer receive time minus the send time the publisher wrote into the payload just before publishing. "
        + "Publishing is closed loop, so time spent queued behind the publish window is not included; use the latency scenario for latency under a fixed rate.";

    /// <inheritdoc/>
    public string Name => "e2e";

    /// <inheritdoc/>
    public string Description => "Producers and consumers at once: throughput on the consumer side, end-to-end latency from send time stamped in the payload";

    /// <inheritdoc/>
    public ScenarioFeatures Features => ScenarioFeatures.Window | ScenarioFeatures.Consumers | ScenarioFeatures.Latency;

    /// <inheritdoc/>
    public string Label(Runs.RunSettings settings) => Name;

    /// <inheritdoc/>
    public Task<ScenarioResult> RunAsync(ScenarioContext context)
        => ConcurrentRun.RunAsync(context, Name, LatencyMethod, context.Settings.Count, RunPublishersAsync, latencyMustBeComplete: false);

    private static async Task<ConcurrentRun.PublishOutcome> RunPublishersAsync(ScenarioContext context, Targets.IPublisher[] publishers,
        long start, CancellationTokenSource abort)
    {
        var outcome = await ClosedLoopPhase.RunAsync(context, publishers, context.Settings.Count, context.Time, abort).ConfigureAwait(false);
        return new ConcurrentRun.PublishOutcome(outcome.Error, outcome.Published, MaxLagTicks: 0);
    }
}
