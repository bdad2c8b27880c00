using System.Globalization;
using FastBroker.ClientLite;
using FastBroker.Wire;

namespace FastBroker.Load.Targets;

/// <summary>
/// FastBroker through ClientLite: one connection and one batching <see cref="Producer"/> per publisher. Consumers
/// are either stream cursors — one <see cref="TopicReader"/> per consumer reading its own share of the partitions in
/// a group, committing its position every second — or, in queue mode, competing consumers of a queue created over
/// the topic, each reading every partition and acking every message.
/// </summary>
public sealed class FastBrokerTarget : IBrokerTarget
{
    private readonly string _endpoint;
    private readonly FastBrokerTargetOptions _options;
    private readonly Dictionary<string, int> _consumersByGroup = new(StringComparer.Ordinal);
    private readonly RouteKeys? _keys;
    private string? _topic;
    private int _partitions;
    private int _fanout;

    /// <summary>A target for the broker at <paramref name="endpoint"/> ("host:port").</summary>
    public FastBrokerTarget(string endpoint, FastBrokerTargetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        _endpoint = endpoint;
        _options = options ?? new FastBrokerTargetOptions();
        if (_options.Routes > 0)
        {
            if (_options.ConsumerMode != FastBrokerConsumerMode.Queue || _options.QueueReceive != QueueReceiveMode.Pull)
                throw new ArgumentException("Routes are shared subscriptions read by pulling queue consumers.", nameof(options));
            _keys = new RouteKeys(_options.Routes);
        }
    }

    /// <inheritdoc/>
    public string Name => "fastbroker";

    /// <inheritdoc/>
    public string ServerVersion { get; private set; } = "";

    /// <inheritdoc/>
    public string Durability =>
        $"fsync {_options.FsyncLabel} (the policy the server was started with, as labelled by --fsync); a publish is acknowledged after its group commit; "
        + (_fanout > 0 ? FanoutConsumersText()
            : _keys is not null ? RoutedConsumersText(_keys.Routes)
            : _options.ConsumerMode == FastBrokerConsumerMode.Queue ? QueueConsumersText()
            : _options.GroupSessionTimeout is { } session ? GroupMembersText(session) : StreamConsumersText());

    /// <summary>How the run's consumers read, for reports: "stream", "queue/pull" or "queue/push".</summary>
    public string ConsumerModeLabel => _options.ConsumerMode == FastBrokerConsumerMode.Queue
        ? "queue/" + (_options.QueueReceive == QueueReceiveMode.Pull ? "pull" : "push")
        : "stream";

    /// <inheritdoc/>
    public async Task PrepareAsync(string topic, int partitions, CancellationToken cancellationToken)
    {
        var connection = await BrokerConnection.ConnectAsync(_endpoint, ConnectionOptions(), cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            ServerVersion = connection.ServerName;
            try
            {
                await connection.DeleteTopicAsync(topic, cancellationToken).ConfigureAwait(false);
            }
            catch (BrokerException e) when (e.Code == ErrorCode.UnknownTopic)
            {
                // Nothing left from an earlier run: the topic is created fresh below either way.
            }
            if (_keys is not null)
                await CreateRoutesAsync(connection, topic, partitions, _keys.Routes, cancellationToken).ConfigureAwait(false);
            else if (_options.ConsumerMode == FastBrokerConsumerMode.Queue)
                await connection.CreateQueueAsync(topic, new QueueOptions(), partitions, cancellationToken).ConfigureAwait(false);
            else
                await connection.CreateTopicAsync(topic, partitions, cancellationToken).ConfigureAwait(false);
        }
        (_topic, _partitions, _fanout) = (topic, partitions, 0);
        lock (_consumersByGroup)
            _consumersByGroup.Clear();
    }

    /// <summary>
    /// Fan-out: the topic with <paramref name="subscriptions"/> shared subscriptions <c>{topic}-f{k}</c> (default
    /// settings, as a queue's) when consumers are queue consumers; the plain topic when they are stream cursors, each
    /// of which then reads every partition in a group of its own.
    /// </summary>
    public async Task PrepareFanoutAsync(string topic, int partitions, int subscriptions, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subscriptions, 1);
        if (_keys is not null)
            throw new InvalidOperationException("A fan-out run is not routed.");
        var connection = await BrokerConnection.ConnectAsync(_endpoint, ConnectionOptions(), cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            ServerVersion = connection.ServerName;
            try
            {
                await connection.DeleteTopicAsync(topic, cancellationToken).ConfigureAwait(false);
            }
            catch (BrokerException e) when (e.Code == ErrorCode.UnknownTopic)
            {
                // Nothing left from an earlier run.
            }
            await connection.CreateTopicAsync(topic, partitions, cancellationToken).ConfigureAwait(false);
            if (_options.ConsumerMode == FastBrokerConsumerMode.Queue)
            {
                for (int k = 0; k < subscriptions; k++)
                    await connection.CreateSubscriptionAsync(topic, FanoutSubscription(topic, k), null, cancellationToken).ConfigureAwait(false);
            }
        }
        (_topic, _partitions, _fanout) = (topic, partitions, subscriptions);
    }

    /// <summary>Fan-out: a queue consumer of subscription <c>{topic}-f{k}</c>, or a stream cursor over every partition in
    /// the group <c>{group}-f{k}</c>.</summary>
    public async Task<IConsumer> CreateFanoutConsumerAsync(string group, int subscription, CancellationToken cancellationToken)
    {
        string topic = _topic ?? throw new InvalidOperationException("PrepareFanoutAsync first.");
        ArgumentOutOfRangeException.ThrowIfNegative(subscription);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(subscription, _fanout);
        if (_options.ConsumerMode == FastBrokerConsumerMode.Queue)
            return await CreateQueueConsumerAsync(topic, [FanoutSubscription(topic, subscription)], cancellationToken).ConfigureAwait(false);
        var all = new int[_partitions];
        for (int p = 0; p < all.Length; p++)
            all[p] = p;
        return await CreateStreamConsumerAsync(topic, all, string.Create(CultureInfo.InvariantCulture, $"{group}-f{subscription}"), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The shared subscription <paramref name="index"/> of a fan-out run on <paramref name="topic"/>: <c>{topic}-f{index}</c>.</summary>
    public static string FanoutSubscription(string topic, int index) => string.Create(CultureInfo.InvariantCulture, $"{topic}-f{index}");

    /// <inheritdoc/>
    public async Task<IPublisher> CreatePublisherAsync(CancellationToken cancellationToken)
    {
        string topic = _topic ?? throw new InvalidOperationException("PrepareAsync first.");
        var connection = await BrokerConnection.ConnectAsync(_endpoint, ConnectionOptions(), cancellationToken).ConfigureAwait(false);
        try
        {
            var producerOptions = new ProducerOptions { MaxBatchBytes = _options.BatchBytes, Linger = _options.Linger, Idempotent = _options.Idempotent };
            var producer = await connection.CreateProducerAsync(topic, producerOptions, cancellationToken).ConfigureAwait(false);
            return new FastBrokerPublisher(connection, producer, _keys);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<IConsumer> CreateConsumerAsync(string group, CancellationToken cancellationToken)
    {
        string topic = _topic ?? throw new InvalidOperationException("PrepareAsync first.");
        if (_options.ConsumerMode == FastBrokerConsumerMode.Queue)
        {
            // The group does not matter here: a queue has one shared subscription (a routed run one per route), and
            // every consumer competes on each.
            string[] shared = _keys is null ? [topic] : RouteSubscriptions(topic, _keys.Routes);
            return await CreateQueueConsumerAsync(topic, shared, cancellationToken).ConfigureAwait(false);
        }
        int index;
        lock (_consumersByGroup)
        {
            index = _consumersByGroup.GetValueOrDefault(group);
            _consumersByGroup[group] = index + 1;
        }
        var partitions = SharePartitions(index, _options.ConsumersPerGroup, _partitions);
        if (partitions.Count == 0)
            return new FastBrokerConsumer(null, _options.CommitInterval, _options.TimeProvider);
        return await CreateStreamConsumerAsync(topic, partitions, group, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IConsumer> CreateStreamConsumerAsync(string topic, IReadOnlyList<int> partitions, string group, CancellationToken cancellationToken)
    {
        var reader = new TopicReader(_endpoint, topic, new TopicReaderOptions
        {
            Partitions = partitions,
            Group = group,
            Start = StartPosition.Earliest,
            Connection = ConnectionOptions(),
        });
        // Connecting and reading the group's positions here keeps them out of the measured time.
        await StartOrDisposeAsync(reader, cancellationToken).ConfigureAwait(false);
        return new FastBrokerConsumer(reader, _options.CommitInterval, _options.TimeProvider);
    }

    /// <inheritdoc/>
    public async Task<IGroupMember> CreateGroupMemberAsync(string group, TimeSpan sessionTimeout, CancellationToken cancellationToken)
    {
        string topic = _topic ?? throw new InvalidOperationException("PrepareAsync first.");
        if (_options.ConsumerMode != FastBrokerConsumerMode.Stream || _keys is not null)
            throw new InvalidOperationException("Group members are stream readers of an unrouted topic.");
        var reader = new TopicReader(_endpoint, topic, new TopicReaderOptions
        {
            Group = group,
            SessionTimeout = sessionTimeout,
            Start = StartPosition.Earliest,
            Connection = ConnectionOptions(),
        });
        // Joins here: the broker assigns what it can at once, the rest comes with the member's heartbeats.
        await StartOrDisposeAsync(reader, cancellationToken).ConfigureAwait(false);
        return new FastBrokerGroupMember(reader, _options.CommitInterval, _options.TimeProvider);
    }

    /// <summary>The shared subscription of route <paramref name="route"/> on <paramref name="topic"/>: <c>{topic}-r{route}</c>.</summary>
    public static string RouteSubscription(string topic, int route) => string.Create(CultureInfo.InvariantCulture, $"{topic}-r{route}");

    /// <summary>The topic, and one shared subscription per route that takes only the messages whose key matches the
    /// route's pattern (default settings otherwise, as a queue's).</summary>
    private static async Task CreateRoutesAsync(BrokerConnection connection, string topic, int partitions, int routes, CancellationToken cancellationToken)
    {
        await connection.CreateTopicAsync(topic, partitions, cancellationToken).ConfigureAwait(false);
        for (int k = 0; k < routes; k++)
        {
            await connection.CreateSubscriptionAsync(topic, RouteSubscription(topic, k), RouteOptions(k), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>The partitions consumer <paramref name="index"/> of <paramref name="consumers"/> reads: p % consumers == index % consumers.</summary>
    public static IReadOnlyList<int> SharePartitions(int index, int consumers, int partitions)
    {
        var share = new List<int>();
        for (int p = 0; p < partitions; p++)
        {
            if (p % consumers == index % consumers)
                share.Add(p);
        }
        return share;
    }

    private async Task<IConsumer> CreateQueueConsumerAsync(string topic, string[] subscriptions, CancellationToken cancellationToken)
    {
        var connection = await BrokerConnection.ConnectAsync(_endpoint, ConnectionOptions(), cancellationToken).ConfigureAwait(false);
        try
        {
            // A subscription that is not there fails here, before anything is measured, rather than on the first receive.
            var queues = new QueueConsumer[subscriptions.Length];
            for (int i = 0; i < subscriptions.Length; i++)
            {
                await connection.GetQueueStatsAsync(topic, subscriptions[i], cancellationToken).ConfigureAwait(false);
                queues[i] = connection.OpenSubscription(topic, subscriptions[i]);
            }
            return new FastBrokerQueueConsumer(connection, queues, _options.QueueReceive, _options.QueueBatch);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static QueueOptions RouteOptions(int route) => new() { Filter = RouteKeys.Filter(route) };

    private static string[] RouteSubscriptions(string topic, int routes)
    {
        var names = new string[routes];
        for (int k = 0; k < routes; k++)
            names[k] = RouteSubscription(topic, k);
        return names;
    }

    private string StreamConsumersText() =>
        $"consumers are stream cursors (no per-message acks): consumer i of {_options.ConsumersPerGroup} reads partitions p % {_options.ConsumersPerGroup} == i "
        + $"and commits its position every {_options.CommitInterval.TotalSeconds:0.###} s";

    private string GroupMembersText(TimeSpan session) =>
        $"consumers are members of one group whose partitions the broker assigns (TopicReader with a group and no partitions; session timeout {session.TotalSeconds:0.###} s, "
        + $"heartbeat every third of it), each committing its positions every {_options.CommitInterval.TotalSeconds:0.###} s and before it gives a revoked partition back";

    private string QueueConsumersText()
    {
        string how = _options.QueueReceive == QueueReceiveMode.Pull
            ? $"pull: Receive of up to {_options.QueueBatch} messages (long poll of {FastBrokerQueueConsumer.ReceiveWait.TotalMilliseconds:0} ms), "
              + "then the batch acked in one Ack frame after the handler"
            : $"push: Subscribe with prefetch {_options.QueueBatch}, each message acked after the handler (acks gathered into frames)";
        return "consumers compete on one queue (the topic with one shared subscription, default settings: visibility 30 s, max in flight 100,000), "
            + $"every consumer reading every partition; {how}; an Ack is answered once durable under the fsync policy, and every ack is awaited";
    }

    private string RoutedConsumersText(int routes) =>
        $"routed: {routes} shared subscriptions {{topic}}-r{{k}} on the topic, each with the filter key ~ \"r{{k}}.#\" and default settings "
        + $"(visibility 30 s, max in flight 100,000); publishers key message i with r{{i % {routes}}}.{{word}}, so each subscription takes 1/{routes} "
        + $"of the messages and skips the rest; every consumer pulls from every subscription (Receive of up to {_options.QueueBatch} messages, "
        + $"long poll of {FastBrokerQueueConsumer.ReceiveWait.TotalMilliseconds:0} ms) and acks each batch in one Ack frame after the handler; "
        + "an Ack is answered once durable under the fsync policy, and every ack is awaited";

    private string FanoutConsumersText()
    {
        if (_options.ConsumerMode != FastBrokerConsumerMode.Queue)
        {
            return $"fan-out to {_fanout} stream groups: one stream cursor per group reading every partition, committing its position every "
                + $"{_options.CommitInterval.TotalSeconds:0.###} s (no per-message acks)";
        }
        string how = _options.QueueReceive == QueueReceiveMode.Pull
            ? $"pulled (Receive of up to {_options.QueueBatch} messages, long poll of {FastBrokerQueueConsumer.ReceiveWait.TotalMilliseconds:0} ms, each batch acked in one Ack frame)"
            : $"pushed (prefetch {_options.QueueBatch}, each message acked; acks gathered into frames)";
        return $"fan-out to {_fanout} shared subscriptions {{topic}}-f{{k}} on the topic (default settings: visibility 30 s, max in flight 100,000), "
            + $"each read by one consumer, {how}; an Ack is answered once durable under the fsync policy, and every ack is awaited";
    }

    /// <summary>Nothing to release: publishers and consumers own their connections.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private BrokerConnectionOptions ConnectionOptions() => new() { ClientName = "fastbroker-load", TimeProvider = _options.TimeProvider };

    private static async Task StartOrDisposeAsync(TopicReader reader, CancellationToken cancellationToken)
    {
        try
        {
            await reader.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
