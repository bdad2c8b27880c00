namespace FastBroker.Load.Reports;

/// <summary>The settings of a run, as given or defaulted on the command line.</summary>
public sealed class RunParameters
{
    /// <summary>Topic (stream, queue) name.</summary>
    public string Topic { get; init; } = "";

    /// <summary>Partitions (or streams/queues for peers that have none).</summary>
    public int Partitions { get; init; }

    /// <summary>Payload bytes per message.</summary>
    public int MessageBytes { get; init; }

    /// <summary>Upper bound on messages (--count).</summary>
    public long Count { get; init; }

    /// <summary>Upper bound on the measured phase (--duration), seconds.</summary>
    public double DurationSeconds { get; init; }

    /// <summary>Publisher loops, each on its own connection.</summary>
    public int Producers { get; init; }

    /// <summary>Consumer loops, each on its own connection; 0 when the scenario has none.</summary>
    public int Consumers { get; init; }

    /// <summary>Publishes in flight per producer.</summary>
    public int Window { get; init; }

    /// <summary>FastBroker producer batch size in bytes; null for other targets.</summary>
    public int? BatchBytes { get; init; }

    /// <summary>FastBroker producer linger in milliseconds; null for other targets.</summary>
    public double? LingerMilliseconds { get; init; }

    /// <summary>Whether FastBroker producers were idempotent (--idempotent); null for other targets.</summary>
    public bool? Idempotent { get; init; }

    /// <summary>Open-loop send rate in messages per second (latency scenario); null for closed-loop scenarios.</summary>
    public long? RatePerSecond { get; init; }

    /// <summary>Routes of a routed run (--routes); null when the run was not routed.</summary>
    public int? Routes { get; init; }

    /// <summary>Subscriptions of a fan-out run (--fanout), one consumer each; null for other scenarios.</summary>
    public int? Fanout { get; init; }

    /// <summary>How long consumers may receive nothing before the run fails, seconds.</summary>
    public double IdleTimeoutSeconds { get; init; }
}
