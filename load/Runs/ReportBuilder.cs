using FastBroker.Load.Measurement;
using FastBroker.Load.Reports;
using FastBroker.Load.Scenarios;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Runs;

/// <summary>Turns what a scenario measured into the <see cref="RunReport"/> every report file is written from.</summary>
internal static class ReportBuilder
{
    /// <summary>Builds the report of a finished run.</summary>
    public static RunReport Build(string name, RunSettings settings, IScenario scenario, IBrokerTarget target, ScenarioResult result,
        RunMetrics metrics, IReadOnlyList<SecondSample> samples, DateTimeOffset startedAt, IReadOnlyList<MemorySample>? brokerMemory = null)
    {
        bool fastBroker = string.Equals(target.Name, TargetFactory.FastBrokerName, StringComparison.Ordinal);
        bool consumers = (scenario.Features & ScenarioFeatures.Consumers) != 0;
        bool fanout = (scenario.Features & ScenarioFeatures.Fanout) != 0;
        long counted = result.ConsumeSide ? result.Consumed : result.Published;
        double seconds = result.Elapsed.TotalSeconds;
        double messagesPerSecond = seconds > 0 ? counted / seconds : 0;
        var latency = result.LatencyMethod is { } method ? LatencySummary.Create(metrics.Latency, method) : null;

        return new RunReport
        {
            Name = name,
            Scenario = scenario.Name,
            ScenarioLabel = ScenarioLabel(scenario, settings),
            Target = target.Name,
            ServerVersion = target.ServerVersion,
            Durability = target.Durability,
            Fsync = fastBroker ? settings.Fsync : null,
            Consumers = (target as FastBrokerTarget)?.ConsumerModeLabel,
            StartedAt = startedAt,
            Machine = MachineInfo.Current(),
            Parameters = new RunParameters
            {
                Topic = settings.Topic,
                Partitions = settings.Partitions,
                MessageBytes = settings.Size,
                Count = settings.Count,
                DurationSeconds = settings.Duration.TotalSeconds,
                Producers = settings.Producers,
                Consumers = consumers ? settings.Consumers : fanout ? settings.Fanout : 0,
                Window = settings.Window,
                BatchBytes = fastBroker ? settings.BatchBytes : null,
                LingerMilliseconds = fastBroker ? settings.Linger.TotalMilliseconds : null,
                Idempotent = fastBroker ? settings.Idempotent : null,
                RatePerSecond = (scenario.Features & ScenarioFeatures.Rate) != 0 ? settings.Rate : null,
                Routes = settings.Routes > 0 ? settings.Routes : null,
                Fanout = fanout ? settings.Fanout : null,
                IdleTimeoutSeconds = settings.IdleTimeout.TotalSeconds,
            },
            Result = new RunOutcome
            {
                Published = result.Published,
                Consumed = result.Consumed,
                ElapsedSeconds = seconds,
                MessagesPerSecond = messagesPerSecond,
                MegabytesPerSecond = messagesPerSecond * settings.Size / 1e6,
                ThroughputSide = result.ConsumeSide ? "consume" : "publish",
                EndReason = result.EndReason,
                Fill = result.Fill,
            },
            Latency = latency,
            BrokerMemory = brokerMemory is { Count: > 0 } ? [.. brokerMemory] : null,
            Samples = [.. samples],
            Thresholds = Thresholds.Evaluate(settings, messagesPerSecond, latency),
            Notes = result.Notes,
            Error = result.Error,
        };
    }

    /// <summary>The scenario's label, with the routes of a routed run ("consume, 10 routes"), so that comparisons keep
    /// routed and unrouted runs in rows of their own.</summary>
    public static string ScenarioLabel(IScenario scenario, RunSettings settings)
    {
        string label = scenario.Label(settings);
        return settings.Routes > 0 ? $"{label}, {settings.Routes} routes" : label;
    }
}
