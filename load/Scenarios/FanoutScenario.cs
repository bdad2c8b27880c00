using System.Globalization;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// One stream of messages delivered to N independent subscriptions (--fanout), one consumer each: every
/// subscription gets every message. Publishers run closed loop as in e2e and number their messages; throughput
/// counts deliveries to all subscriptions together, latency is e2e's, and a subscription that misses a message
/// fails the run.
/// </summary>
internal sealed class FanoutScenario : IScenario
{
    /// <summary>How the latency of this scenario is measured; stated in its report.</summary>
    public const string LatencyMethod =
        "End to end, per delivery: each subscription's consumer receive time minus the send time the publisher wrote into the payload just before publishing "
        + "(so every message contributes one latency per subscription). Publishing is closed loop, as in e2e.";

    /// <inheritdoc/>
    public string Name => "fanout";

    /// <inheritdoc/>
    public string Description => "Producers and --fanout subscriptions that each receive every message: throughput of deliveries to all of them, e2e latency, loss fails the run";

    /// <inheritdoc/>
    public ScenarioFeatures Features => ScenarioFeatures.Window | ScenarioFeatures.Fanout | ScenarioFeatures.Latency;

    /// <inheritdoc/>
    public string Label(Runs.RunSettings settings) => string.Create(CultureInfo.InvariantCulture, $"fanout x{settings.Fanout}");

    /// <inheritdoc/>
    public Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        var delivery = new FanoutDelivery(context.Settings.Fanout, context.Settings.Count);
        return ConcurrentRun.RunAsync(context, Name, LatencyMethod, context.Settings.Count, RunPublishersAsync, latencyMustBeComplete: false, delivery);
    }

    private static async Task<ConcurrentRun.PublishOutcome> RunPublishersAsync(ScenarioContext context, Targets.IPublisher[] publishers,
        long start, CancellationTokenSource abort)
    {
        var outcome = await ClosedLoopPhase.RunAsync(context, publishers, context.Settings.Count, context.Time, abort, sequenced: true).ConfigureAwait(false);
        return new ConcurrentRun.PublishOutcome(outcome.Error, outcome.Published, MaxLagTicks: 0);
    }
}
