using FastBroker.ClientLite;
using FastBroker.Wire;

namespace FastBroker.Load.Targets;

/// <summary>
/// FastBroker through ClientLite: one connection and one batching <see cref="Producer"/> per publisher, one
/// <see cref="TopicReader"/> per consumer reading its own share of the partitions in a group, committing its
/// position every second.
/// </summary>
public sealed class FastBrokerTarget : IBrokerTarget
{
    private readonly string _endpoint;
    private readonly FastBrokerTargetOptions _options;
    private readonly Dictionary<string, int> _consumersByGroup = new(StringComparer.Ordinal);
    private string? _topic;
    private int _partitions;

    /// <summary>A target for the broker at <paramref name="endpoint"/> ("host:port").</summary>
    public FastBrokerTarget(string endpoint, FastBrokerTargetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        _endpoint = endpoint;
        _options = options ?? new FastBrokerTargetOptions();
    }

    /// <inheritdoc/>
    public string Name => "fastbroker";

    /// <inheritdoc/>
    public string ServerVersion { get; private set; } = "";

    /// <inheritdoc/>
    public string Durability =>
        $"fsync {_options.FsyncLabel} (the policy the server was started with, as labelled by --fsync); a publish is acknowledged after its group commit; "
        + $"consumers are stream cursors (no per-message acks in v1): consumer i of {_options.ConsumersPerGroup} reads partitions p % {_options.ConsumersPerGroup} == i "
        + $"and commits its position every {_options.CommitInterval.TotalSeconds:0.###} s";

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
            await connection.CreateTopicAsync(topic, partitions, cancellationToken).ConfigureAwait(false);
        }
        (_topic, _partitions) = (topic, partitions);
        lock (_consumersByGroup)
            _consumersByGroup.Clear();
    }

    /// <inheritdoc/>
    public async Task<IPublisher> CreatePublisherAsync(CancellationToken cancellationToken)
    {
        string topic = _topic ?? throw new InvalidOperationException("PrepareAsync first.");
        var connection = await BrokerConnection.ConnectAsync(_endpoint, ConnectionOptions(), cancellationToken).ConfigureAwait(false);
        try
        {
            var producerOptions = new ProducerOptions { MaxBatchBytes = _options.BatchBytes, Linger = _options.Linger };
            var producer = await connection.CreateProducerAsync(topic, producerOptions, cancellationToken).ConfigureAwait(false);
            return new FastBrokerPublisher(connection, producer);
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
        int index;
        lock (_consumersByGroup)
        {
            index = _consumersByGroup.GetValueOrDefault(group);
            _consumersByGroup[group] = index + 1;
        }
        var partitions = SharePartitions(index, _options.ConsumersPerGroup, _partitions);
        if (partitions.Count == 0)
            return new FastBrokerConsumer(null, _options.CommitInterval, _options.TimeProvider);

        var reader = new TopicReader(_endpoint, topic, new TopicReaderOptions
        {
            Partitions = partitions,
            Group = group,
            Start = StartPosition.Earliest,
            Connection = ConnectionOptions(),
        });
        try
        {
            // Connecting and reading the group's positions here keeps them out of the measured time.
            await reader.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new FastBrokerConsumer(reader, _options.CommitInterval, _options.TimeProvider);
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

    /// <summary>Nothing to release: publishers and consumers own their connections.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private BrokerConnectionOptions ConnectionOptions() => new() { ClientName = "fastbroker-load", TimeProvider = _options.TimeProvider };
}
