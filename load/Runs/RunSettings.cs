using FastBroker.Load.Targets;

namespace FastBroker.Load.Runs;

/// <summary>Everything a run is told on the command line, validated. Defaults are the documented CLI defaults.</summary>
internal sealed record RunSettings
{
    /// <summary>No run may be told to last longer than this: a forgotten run must not occupy a shared machine.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    /// <summary>Scenario name.</summary>
    public required string Scenario { get; init; }

    /// <summary>Target name: fastbroker or a peer.</summary>
    public string Target { get; init; } = "fastbroker";

    /// <summary>Where every target listens.</summary>
    public TargetEndpoints Endpoints { get; init; } = new();

    /// <summary>Topic (stream, queue) the run recreates and uses.</summary>
    public string Topic { get; init; } = "load";

    /// <summary>Partitions of the topic.</summary>
    public int Partitions { get; init; } = 4;

    /// <summary>Payload bytes per message.</summary>
    public int Size { get; init; } = 100;

    /// <summary>Most messages a run publishes (whichever of count and duration ends first).</summary>
    public long Count { get; init; } = 1_000_000;

    /// <summary>Longest a measured phase may last (whichever of count and duration ends first).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Publisher loops, each on its own connection.</summary>
    public int Producers { get; init; } = 2;

    /// <summary>Consumer loops, each on its own connection.</summary>
    public int Consumers { get; init; } = 2;

    /// <summary>Publishes in flight per producer.</summary>
    public int Window { get; init; } = 65_536;

    /// <summary>FastBroker producer batch size.</summary>
    public int BatchBytes { get; init; } = 256 * 1024;

    /// <summary>FastBroker producer linger.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>FastBroker producers are idempotent (<c>--idempotent on</c>); off by default, so runs compare with
    /// earlier ones.</summary>
    public bool Idempotent { get; init; }

    /// <summary>FastBroker consumers: stream cursors or competing consumers of a queue.</summary>
    public FastBrokerConsumerMode FastBrokerConsumers { get; init; } = FastBrokerConsumerMode.Stream;

    /// <summary>How FastBroker queue consumers get messages.</summary>
    public QueueReceiveMode QueueReceive { get; init; } = QueueReceiveMode.Pull;

    /// <summary>FastBroker queue consumers: messages per receive (pull) or prefetch (push).</summary>
    public int QueueBatch { get; init; } = FastBrokerTargetOptions.DefaultQueueBatch;

    /// <summary>Routes of a routed run (0: off): message i is keyed for route i % Routes, and every route has its own
    /// destination taking exactly its messages (see <see cref="RouteKeys"/>).</summary>
    public int Routes { get; init; }

    /// <summary>Subscriptions of a fan-out run, each receiving every message.</summary>
    public int Fanout { get; init; } = 4;

    /// <summary>Process id of the broker on this machine whose resident memory the report samples (Linux); null: none.</summary>
    public int? RssPid { get; init; }

    /// <summary>Label of the fsync policy the FastBroker server was started with (the harness starts no server).</summary>
    public string Fsync { get; init; } = "always";

    /// <summary>Open-loop send rate of the latency scenario, messages per second.</summary>
    public long Rate { get; init; } = 10_000;

    /// <summary>How long consumers may receive nothing, while messages are still expected, before the run fails.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>groups: the members' session timeout (how long the broker keeps a member that stopped heartbeating).</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Where NAME.md, NAME.json and NAME.html go.</summary>
    public string ReportDirectory { get; init; } = Path.Combine("load", "reports");

    /// <summary>The run's name; null picks one from target, scenario, size and time.</summary>
    public string? Name { get; init; }

    /// <summary>Fail (exit 3) when the p99 latency is above this.</summary>
    public TimeSpan? MaxP99 { get; init; }

    /// <summary>Fail (exit 3) when throughput (msg/s) is below this.</summary>
    public double? MinThroughput { get; init; }
}
