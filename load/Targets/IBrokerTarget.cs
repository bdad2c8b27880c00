namespace FastBroker.Load.Targets;

/// <summary>
/// One broker the harness can drive: FastBroker itself or a peer (Redis Streams, NATS JetStream, RabbitMQ), each in
/// its durable configuration. Scenarios only talk to brokers through this seam, so every broker runs the same
/// scenario code and the numbers compare like for like.
/// </summary>
public interface IBrokerTarget : IAsyncDisposable
{
    /// <summary>Short stable name used on the command line and in reports: fastbroker, redis, nats, rabbitmq.</summary>
    string Name { get; }

    /// <summary>Server product and version as the server reports it (e.g. "Redis 7.0.15"), after <see cref="PrepareAsync"/>.</summary>
    string ServerVersion { get; }

    /// <summary>What "acknowledged" means for this target in the settings used, for the report
    /// (e.g. "appendonly yes, appendfsync always; XADD acknowledged after fsync").</summary>
    string Durability { get; }

    /// <summary>Connects and (re)creates the stream/queue/topic empty, with <paramref name="partitions"/> where the
    /// broker has partitions (others use one stream or queue and say so in <see cref="Durability"/>).</summary>
    Task PrepareAsync(string topic, int partitions, CancellationToken cancellationToken);

    /// <summary>A publisher on its own connection (or channel). Callers may have many publishes in flight.</summary>
    Task<IPublisher> CreatePublisherAsync(CancellationToken cancellationToken);

    /// <summary>A consumer on its own connection, in a shared group/durable consumer named <paramref name="group"/>,
    /// acknowledging each message after the handler has seen it.</summary>
    Task<IConsumer> CreateConsumerAsync(string group, CancellationToken cancellationToken);

    /// <summary>Fan-out: connects and (re)creates the topic empty with <paramref name="subscriptions"/> independent
    /// subscriptions, each of which receives every message published (not competing consumers).</summary>
    Task PrepareFanoutAsync(string topic, int partitions, int subscriptions, CancellationToken cancellationToken)
        => throw new NotSupportedException($"{Name} has no fan-out mode");

    /// <summary>Fan-out: a consumer on its own connection of subscription <paramref name="subscription"/> (0 to N - 1)
    /// of a target prepared with <see cref="PrepareFanoutAsync"/>, acknowledging each message after the handler saw it.
    /// <paramref name="group"/> is unique to the run, for targets whose subscriptions are consumer groups.</summary>
    Task<IConsumer> CreateFanoutConsumerAsync(string group, int subscription, CancellationToken cancellationToken)
        => throw new NotSupportedException($"{Name} has no fan-out mode");

    /// <summary>Consumer groups: a member of <paramref name="group"/> on the topic prepared with <see cref="PrepareAsync"/>,
    /// on its own connection, already joined, whose partitions the broker assigns; it loses them when it leaves or
    /// sends no heartbeat for <paramref name="sessionTimeout"/>.</summary>
    Task<IGroupMember> CreateGroupMemberAsync(string group, TimeSpan sessionTimeout, CancellationToken cancellationToken)
        => throw new NotSupportedException($"{Name} does not assign partitions to group members");
}
