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
            (c, publishers, start, abort) => OpenLoopPublishing.RunAsync(c, publishers, start, planned, abort), latencyMustBeComplete: true);
    }
}
