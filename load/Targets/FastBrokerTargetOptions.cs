namespace FastBroker.Load.Targets;

/// <summary>How the harness drives FastBroker: producer batching, and whether consumers are stream cursors splitting
/// the partitions or competing consumers of a queue.</summary>
public sealed record FastBrokerTargetOptions
{
    /// <summary>The default of <see cref="QueueBatch"/>.</summary>
    public const int DefaultQueueBatch = 1000;

    /// <summary>Producer batch size (<see cref="ClientLite.ProducerOptions.MaxBatchBytes"/>). Default 256 KiB.</summary>
    public int BatchBytes { get; init; } = 256 * 1024;

    /// <summary>Producer linger (<see cref="ClientLite.ProducerOptions.Linger"/>). Default 1 ms.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Idempotent producers (<see cref="ClientLite.ProducerOptions.Idempotent"/>). Default false.</summary>
    public bool Idempotent { get; init; }

    /// <summary>
    /// Consumers the run creates per group. In <see cref="FastBrokerConsumerMode.Stream"/> mode stream cursors cannot
    /// compete for messages, so consumer i of N reads the partitions p with p % N == i; queue consumers ignore it
    /// (they all read every partition). Default 1.
    /// </summary>
    public int ConsumersPerGroup { get; init; } = 1;

    /// <summary>Stream cursors (the default) or competing consumers of a queue.</summary>
    public FastBrokerConsumerMode ConsumerMode { get; init; } = FastBrokerConsumerMode.Stream;

    /// <summary>How queue consumers get messages (<see cref="FastBrokerConsumerMode.Queue"/> only). Default pull, which measured faster (load/README.md).</summary>
    public QueueReceiveMode QueueReceive { get; init; } = QueueReceiveMode.Pull;

    /// <summary>
    /// Queue consumers only: messages per receive when pulling, prefetch (unsettled messages held at most) when
    /// pushed. Default 1000, as the peers' consumers use (XREADGROUP COUNT, JetStream MaxMsgs, RabbitMQ prefetch).
    /// </summary>
    public int QueueBatch { get; init; } = DefaultQueueBatch;

    /// <summary>
    /// Routed run when above 0 (at most <see cref="RouteKeys.MaxRoutes"/>): the topic gets one shared subscription per
    /// route, <c>{topic}-r{k}</c> with the filter <c>key ~ "r{k}.#"</c>, publishers key their messages with
    /// <see cref="RouteKeys"/>, and every consumer pulls from every route's subscription. Needs
    /// <see cref="FastBrokerConsumerMode.Queue"/> with <see cref="QueueReceiveMode.Pull"/>. Default 0 (off).
    /// </summary>
    public int Routes { get; init; }

    /// <summary>The fsync policy the server was started with, as given to the harness (it cannot ask the server). Default "always".</summary>
    public string FsyncLabel { get; init; } = "always";

    /// <summary>How often a consumer commits its group position. Default 1 s.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Clock for linger, timeouts and commits. Default the system clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Set for a groups run: consumers are group members whose partitions the broker assigns, with this session
    /// timeout (<see cref="FastBrokerTarget.CreateGroupMemberAsync"/>); null otherwise. Only the durability text uses it.</summary>
    public TimeSpan? GroupSessionTimeout { get; init; }
}
