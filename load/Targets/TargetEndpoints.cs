namespace FastBroker.Load.Targets;

/// <summary>Where each target listens; all loopback. Defaults match load/peers/start.sh.</summary>
public sealed record TargetEndpoints
{
    public string FastBroker { get; init; } = "127.0.0.1:7420";
    public string Redis { get; init; } = "127.0.0.1:6390";
    public string Nats { get; init; } = "nats://127.0.0.1:4230";
    public string RabbitMq { get; init; } = "amqp://guest:guest@127.0.0.1:5680/";
}
