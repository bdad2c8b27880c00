using System.Text;
using FastBroker.Load.Targets.Internal;
using RabbitMQ.Client;

namespace FastBroker.Load.Targets;

/// <summary>
/// RabbitMQ as started by load/peers/start.sh: one quorum queue per partition (<c>{topic}.{p}</c>), publishers
/// round-robin persistent messages over them through the default exchange and await each publisher confirm;
/// consumers subscribe to every queue with manual acks. A routed run (<c>--routes N</c>) declares a topic exchange
/// bound to one quorum queue per route instead (<see cref="RabbitMqTopology"/>).
/// </summary>
public sealed class RabbitMqTarget : IBrokerTarget
{
    private static readonly Dictionary<string, object?> QuorumQueue = new() { ["x-queue-type"] = "quorum" };

    private readonly ConnectionFactory _factory;
    private readonly OwnedDisposables _owned = new();
    private readonly int _routes;
    private IConnection? _admin;
    private RabbitMqTopology? _topology;

    /// <summary>Targets the RabbitMQ node at <see cref="TargetEndpoints.RabbitMq"/> (amqp:// URI, loopback only),
    /// routed through a topic exchange to <paramref name="routes"/> queues when above 0.</summary>
    public RabbitMqTarget(TargetEndpoints endpoints, int routes = 0)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentOutOfRangeException.ThrowIfNegative(routes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(routes, RouteKeys.MaxRoutes);
        _routes = routes;
        var uri = Loopback.RequireUri(endpoints.RabbitMq);
        _factory = new ConnectionFactory { Uri = uri, ClientProvidedName = "fastbroker-load" };
    }

    /// <inheritdoc />
    public string Name => "rabbitmq";

    /// <inheritdoc />
    public string ServerVersion { get; private set; } = "RabbitMQ (not connected)";

    /// <inheritdoc />
    public string Durability =>
        (_topology is { IsFanout: true } fanout
            ? $"fan-out: a durable fanout exchange bound to {fanout.Queues.Count} quorum queues (single node), one consumer each, persistent messages, "
              + "publisher confirms (a confirm waits for every queue)"
            : _routes > 0
            ? $"routed: a durable topic exchange bound to {_routes} quorum queues (single node) with binding keys r{{k}}.#, persistent "
              + $"messages published with routing key r{{i % {_routes}}}.{{word}}, publisher confirms"
            : "quorum queues (single node, one per partition), persistent messages, publisher confirms")
        + ": a confirm is sent after the message is in the quorum queue's write-ahead log and fsynced; consumers: prefetch 1000 per queue, "
        + "manual ack of every message (multiple=false) after the handler; "
        + (_topology is { IsFanout: true } ? "each queue has its own consumer" : "the group name is not used, all consumers compete on the same queues");

    /// <inheritdoc />
    public Task PrepareAsync(string topic, int partitions, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        return DeclareAsync(_routes > 0 ? RabbitMqTopology.Routed(topic, _routes) : RabbitMqTopology.Partitioned(topic, partitions), cancellationToken);
    }

    /// <summary>Fan-out: a fanout exchange bound to <paramref name="subscriptions"/> quorum queues (<see cref="RabbitMqTopology.Fanout"/>);
    /// <paramref name="partitions"/> does not apply.</summary>
    public Task PrepareFanoutAsync(string topic, int partitions, int subscriptions, CancellationToken cancellationToken)
    {
        if (_routes > 0)
            throw new InvalidOperationException("A fan-out run is not routed.");
        return DeclareAsync(RabbitMqTopology.Fanout(topic, subscriptions), cancellationToken);
    }

    /// <summary>Fan-out: a consumer of queue <paramref name="subscription"/> only, with manual acks.</summary>
    public Task<IConsumer> CreateFanoutConsumerAsync(string group, int subscription, CancellationToken cancellationToken)
    {
        var topology = RequirePrepared();
        if (!topology.IsFanout)
            throw new InvalidOperationException("PrepareFanoutAsync first.");
        ArgumentOutOfRangeException.ThrowIfNegative(subscription);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(subscription, topology.Queues.Count);
        return CreateConsumerAsync([topology.Queues[subscription]], cancellationToken);
    }

    private async Task DeclareAsync(RabbitMqTopology topology, CancellationToken cancellationToken)
    {
        _admin ??= await _factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        ServerVersion = "RabbitMQ " + ReadVersion(_admin);

        await using (var channel = await _admin.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (topology.ExchangeType is { } exchangeType)
            {
                // Deleting the exchange drops the bindings of an earlier run with it; deleting one that does not exist
                // is not an error in AMQP 0-9-1 as RabbitMQ implements it (nor is deleting a missing queue below).
                await channel.ExchangeDeleteAsync(topology.Exchange, ifUnused: false, cancellationToken: cancellationToken).ConfigureAwait(false);
                await channel.ExchangeDeclareAsync(topology.Exchange, exchangeType, durable: true, autoDelete: false,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            for (int q = 0; q < topology.Queues.Count; q++)
            {
                string queue = topology.Queues[q];
                await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken).ConfigureAwait(false);
                await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                    arguments: QuorumQueue, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (topology.ExchangeType is not null)
                    await channel.QueueBindAsync(queue, topology.Exchange, topology.BindingKeys[q], cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
        }
        _topology = topology;
    }

    /// <inheritdoc />
    public async Task<IPublisher> CreatePublisherAsync(CancellationToken cancellationToken)
    {
        var topology = RequirePrepared();
        var connection = await _factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Confirm tracking makes BasicPublishAsync complete when the broker confirms (or fault on nack/return).
            // No rate limiter: the harness decides how many publishes are in flight, not the client library.
            var options = new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: null);
            var channel = await connection.CreateChannelAsync(options, cancellationToken).ConfigureAwait(false);
            return Own(new RabbitMqPublisher(connection, channel, topology));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<IConsumer> CreateConsumerAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        return await CreateConsumerAsync([.. RequirePrepared().Queues], cancellationToken).ConfigureAwait(false);
    }

    private async Task<IConsumer> CreateConsumerAsync(string[] queues, CancellationToken cancellationToken)
    {
        var connection = await _factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            // Per consumer (global: false), i.e. per queue subscription: 1000 unacked deliveries each.
            await channel.BasicQosAsync(prefetchSize: 0, prefetchCount: 1000, global: false, cancellationToken).ConfigureAwait(false);
            return Own(new RabbitMqConsumer(connection, channel, queues));
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
        {
            await _admin.CloseAsync().ConfigureAwait(false);
            await _admin.DisposeAsync().ConfigureAwait(false);
        }
        _admin = null;
    }

    private static string ReadVersion(IConnection connection) =>
        connection.ServerProperties is { } properties && properties.TryGetValue("version", out object? value)
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                string text => text,
                _ => "unknown",
            }
            : "unknown";

    private RabbitMqTopology RequirePrepared() =>
        _topology ?? throw new InvalidOperationException("PrepareAsync must run before publishers or consumers are created");

    private T Own<T>(T item) where T : IAsyncDisposable => _owned.Own(item);
}
