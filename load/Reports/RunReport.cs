using FastBroker.Load.Measurement;

namespace FastBroker.Load.Reports;

/// <summary>
/// Everything one run measured, as written to NAME.json. <c>report --combine</c> reads these back, so a field
/// is only ever added (with <see cref="Format"/> raised when its meaning changes), never renamed.
/// </summary>
public sealed class RunReport
{
    /// <summary>Version of this layout.</summary>
    public int Format { get; init; } = 1;

    /// <summary>The run's name (the report files are NAME.md, NAME.json, NAME.html).</summary>
    public string Name { get; init; } = "";

    /// <summary>Scenario name: publish, consume, e2e, latency.</summary>
    public string Scenario { get; init; } = "";

    /// <summary>Scenario with what distinguishes its runs, e.g. "latency @ 10,000 msg/s".</summary>
    public string ScenarioLabel { get; init; } = "";

    /// <summary>Target name: fastbroker, redis, nats, rabbitmq.</summary>
    public string Target { get; init; } = "";

    /// <summary>Server product and version as the server reported it.</summary>
    public string ServerVersion { get; init; } = "";

    /// <summary>What an acknowledgement meant in this run (the target's own words).</summary>
    public string Durability { get; init; } = "";

    /// <summary>FastBroker only: the fsync policy label given with --fsync; null for other targets.</summary>
    public string? Fsync { get; init; }

    /// <summary>FastBroker only: how its consumers read — "stream" (cursors), "queue/pull" or "queue/push"; null for
    /// other targets and for reports written before the field existed (which were all "stream").</summary>
    public string? Consumers { get; init; }

    /// <summary>When the measured phase started (UTC).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Where the run ran.</summary>
    public MachineInfo Machine { get; init; } = new();

    /// <summary>The settings the run used.</summary>
    public RunParameters Parameters { get; init; } = new();

    /// <summary>Counts, time and throughput.</summary>
    public RunOutcome Result { get; init; } = new();

    /// <summary>Latency distribution, for scenarios that measure it; else null.</summary>
    public LatencyReport? Latency { get; init; }

    /// <summary>The broker's resident memory at the edges of the run's phases, when --rss-pid named its process; else null.</summary>
    public List<MemorySample>? BrokerMemory { get; init; }

    /// <summary>One sample per second of the measured phase.</summary>
    public List<SecondSample> Samples { get; init; } = [];

    /// <summary>Thresholds given on the command line and whether the run met them.</summary>
    public List<ThresholdOutcome> Thresholds { get; init; } = [];

    /// <summary>Facts a reader needs to interpret the numbers (method, shortfalls).</summary>
    public List<string> Notes { get; init; } = [];

    /// <summary>Why the run failed; null when it completed.</summary>
    public string? Error { get; init; }
}
