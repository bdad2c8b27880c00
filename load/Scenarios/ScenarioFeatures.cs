namespace FastBroker.Load.Scenarios;

/// <summary>The options a scenario uses beyond the ones every scenario has (target, topic, size, count,
/// duration, producers, FastBroker producer settings, reports). The command line offers only these.</summary>
[Flags]
internal enum ScenarioFeatures
{
    /// <summary>Only the common options.</summary>
    None = 0,

    /// <summary>Runs consumers (--consumers, --idle-timeout).</summary>
    Consumers = 1,

    /// <summary>Closed-loop publishing with a window of publishes in flight (--window).</summary>
    Window = 2,

    /// <summary>Open-loop publishing at a fixed rate (--rate).</summary>
    Rate = 4,

    /// <summary>Measures latency (--max-p99).</summary>
    Latency = 8,

    /// <summary>Every message goes to N independent subscriptions, one consumer each (--fanout, --idle-timeout,
    /// --queue-receive, --queue-batch); the target is prepared with <see cref="Targets.IBrokerTarget.PrepareFanoutAsync"/>.</summary>
    Fanout = 16,

    /// <summary>Consumer-group members whose partitions the broker assigns (--consumers at the start, --session-timeout,
    /// --idle-timeout); FastBroker stream readers only; payloads carry a send time and a sequence number.</summary>
    Groups = 32,
}
