namespace FastBroker.Load.Targets;

/// <summary>The peer brokers the harness compares against, by name. Start them with load/peers/start.sh.</summary>
public static class PeerTargets
{
    /// <summary>Names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["redis", "nats", "rabbitmq"];

    /// <summary>Creates the named peer target, or null when the name is not a peer. Names are case-sensitive, as on
    /// the command line. Throws <see cref="ArgumentException"/> when the peer's endpoint is not a loopback address.</summary>
    public static IBrokerTarget? Create(string name, TargetEndpoints endpoints) => name switch
    {
        "redis" => new RedisStreamsTarget(endpoints),
        "nats" => new NatsJetStreamTarget(endpoints),
        "rabbitmq" => new RabbitMqTarget(endpoints),
        _ => null,
    };
}
