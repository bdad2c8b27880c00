namespace FastBroker.Load.Targets;

/// <summary>The peer brokers the harness compares against, by name. Start them with load/peers/start.sh.</summary>
public static class PeerTargets
{
    /// <summary>Names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["redis", "nats", "rabbitmq"];

    /// <summary>Names of the peers that can run a routed run (<c>--routes</c>).</summary>
    public static IReadOnlyList<string> RoutedNames { get; } = ["rabbitmq"];

    /// <summary>Creates the named peer target, or null when the name is not a peer. Names are case-sensitive, as on
    /// the command line. Throws <see cref="ArgumentException"/> when the peer's endpoint is not a loopback address,
    /// or when <paramref name="routes"/> is above 0 for a peer not in <see cref="RoutedNames"/>.</summary>
    public static IBrokerTarget? Create(string name, TargetEndpoints endpoints, int routes = 0)
    {
        if (routes > 0 && name is "redis" or "nats")
            throw new ArgumentException($"{name} has no routed mode: --routes runs against fastbroker or rabbitmq", nameof(routes));
        return name switch
        {
            "redis" => new RedisStreamsTarget(endpoints),
            "nats" => new NatsJetStreamTarget(endpoints),
            "rabbitmq" => new RabbitMqTarget(endpoints, routes),
            _ => null,
        };
    }
}
