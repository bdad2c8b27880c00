using FastBroker.Load.Targets.Internal;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace FastBroker.Load.Targets;

/// <summary>
/// NATS JetStream as started by load/peers/start.sh: one file-storage stream per topic with one subject per partition
/// (<c>{topic}.{p}</c>), publishers round-robin the subjects and await each PubAck, consumers share a durable pull
/// consumer and ack every message after the handler saw it.
/// </summary>
public sealed class NatsJetStreamTarget : IBrokerTarget
{
    private readonly NatsOpts _options;
    private readonly OwnedDisposables _owned = new();
    private NatsConnection? _admin;
    private string _stream = "";
    private string[] _subjects = [];
    private int _fanout;

    /// <summary>Targets the NATS server at <see cref="TargetEndpoints.Nats"/> (nats:// URL, loopback only).</summary>
    public NatsJetStreamTarget(TargetEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Loopback.RequireUri(endpoints.Nats);
        // The default registry serializes raw bytes and the client's own JSON with source-generated contexts only,
        // so nothing here needs reflection.
        _options = NatsOpts.Default with
        {
            Url = endpoints.Nats,
            Name = "fastbroker-load",
            SerializerRegistry = NatsDefaultSerializerRegistry.Default,
            // Tens of thousands of publishes in flight wait their turn for a PubAck; the 5 s default is for
            // interactive requests, not for a saturated stream.
            RequestTimeout = TimeSpan.FromSeconds(60),
            CommandTimeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <inheritdoc />
    public string Name => "nats";

    /// <inheritdoc />
    public string ServerVersion { get; private set; } = "NATS (not connected)";

    /// <inheritdoc />
    public string Durability =>
        "JetStream file storage, one stream, one subject per partition; the PubAck is sent after the write to the OS, "
        + "not after fsync: nats-server 2.9.10 fsyncs on its sync interval (default 2 min) and has no "
        + "sync_interval: always (added in 2.10; 2.9.10 rejects the option), so acknowledged messages can be lost on "
        + "power failure; consumers: "
        + (_fanout > 0 ? $"fan-out to {_fanout} durable pull consumers {{topic}}-f{{k}} on the stream, one member each, " : "durable pull consumer, ")
        + "explicit ack per message after the handler";

    /// <inheritdoc />
    public async Task PrepareAsync(string topic, int partitions, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        if (topic.AsSpan().IndexOfAny(". *>/\\") >= 0)
            throw new ArgumentException($"'{topic}' cannot name a JetStream stream", nameof(topic));
        _admin ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        ServerVersion = "NATS " + (_admin.ServerInfo?.Version ?? "unknown");

        var js = new NatsJSContext(_admin);
        try
        {
            await js.DeleteStreamAsync(topic, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            // Nothing from an earlier run to remove.
        }
        var config = new StreamConfig(topic, [topic + ".*"]) { Storage = StreamConfigStorage.File };
        await js.CreateStreamAsync(config, cancellationToken).ConfigureAwait(false);

        var subjects = new string[partitions];
        for (int p = 0; p < partitions; p++)
            subjects[p] = $"{topic}.{p}";
        _subjects = subjects;
        _stream = topic;
        _fanout = 0;
    }

    /// <summary>Fan-out: the same stream; each of the <paramref name="subscriptions"/> durable consumers
    /// <c>{topic}-f{k}</c> is created with its one member, and each gets every message.</summary>
    public async Task PrepareFanoutAsync(string topic, int partitions, int subscriptions, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subscriptions, 1);
        await PrepareAsync(topic, partitions, cancellationToken).ConfigureAwait(false);
        _fanout = subscriptions;
    }

    /// <summary>Fan-out: the one member of the durable consumer <c>{topic}-f{subscription}</c>.</summary>
    public Task<IConsumer> CreateFanoutConsumerAsync(string group, int subscription, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(subscription);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(subscription, _fanout);
        return CreateConsumerAsync(FanoutConsumer(_stream, subscription), cancellationToken);
    }

    /// <summary>The durable consumer of fan-out subscription <paramref name="index"/>: <c>{topic}-f{index}</c>.</summary>
    public static string FanoutConsumer(string topic, int index) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{topic}-f{index}");

    /// <inheritdoc />
    public async Task<IPublisher> CreatePublisherAsync(CancellationToken cancellationToken)
    {
        var subjects = RequirePrepared();
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return Own(new NatsJetStreamPublisher(connection, subjects));
    }

    /// <inheritdoc />
    public async Task<IConsumer> CreateConsumerAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        RequirePrepared();
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var js = new NatsJSContext(connection);
            var config = new ConsumerConfig(group)
            {
                AckPolicy = ConsumerConfigAckPolicy.Explicit,
                DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            };
            // Every consumer of the group binds the same durable consumer, so they compete for its messages.
            var consumer = await js.CreateOrUpdateConsumerAsync(_stream, config, cancellationToken).ConfigureAwait(false);
            return Own(new NatsJetStreamConsumer(connection, consumer));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _owned.DisposeAllAsync().ConfigureAwait(false);
        if (_admin is not null)
            await _admin.DisposeAsync().ConfigureAwait(false);
        _admin = null;
    }

    private async Task<NatsConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new NatsConnection(_options);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private string[] RequirePrepared() =>
        _subjects.Length > 0 ? _subjects : throw new InvalidOperationException("PrepareAsync must run before publishers or consumers are created");

    private T Own<T>(T item) where T : IAsyncDisposable => _owned.Own(item);
}
