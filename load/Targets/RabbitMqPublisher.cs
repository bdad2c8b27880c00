using System.Buffers;
using System.Runtime.CompilerServices;
using FastBroker.Load.Targets.Internal;
using RabbitMQ.Client;

namespace FastBroker.Load.Targets;

/// <summary>Persistent, mandatory publishes on one channel with confirm tracking: each call completes when its confirm
/// arrives, many in flight at once. Partitioned, through the default exchange round-robin over the partition queues;
/// routed, through the topic exchange with message i's key as its routing key (<see cref="RabbitMqTopology"/>).</summary>
internal sealed class RabbitMqPublisher : IPublisher
{
    private static readonly BasicProperties Persistent = new() { DeliveryMode = DeliveryModes.Persistent };

    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly CachedString _exchange;
    private readonly CachedString[] _routingKeys;
    private readonly InFlightCounter _inFlight = new();
    private long _next;
    private int _disposed;

    public RabbitMqPublisher(IConnection connection, IChannel channel, RabbitMqTopology topology)
    {
        _connection = connection;
        _channel = channel;
        // Cached: exchange and routing keys are encoded once, not on every publish.
        _exchange = new CachedString(topology.Exchange);
        var keys = topology.RoutingKeys;
        _routingKeys = new CachedString[keys.Count];
        for (int i = 0; i < keys.Count; i++)
            _routingKeys[i] = new CachedString(keys[i]);
    }

    /// <remarks>The token is checked before sending only: the client may still be writing the payload copy after
    /// this method has returned, so the copy lives until the confirm arrives. mandatory: a message no queue takes
    /// faults the call instead of vanishing.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask PublishAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        byte[] copy = ArrayPool<byte>.Shared.Rent(payload.Length);
        _inFlight.Enter();
        try
        {
            payload.Span.CopyTo(copy);
            // Message i (counted from 0) takes key i of the cycle: a routed run's RouteKeys order.
            var routingKey = _routingKeys[(Interlocked.Increment(ref _next) - 1) % _routingKeys.Length];
            await _channel.BasicPublishAsync(_exchange, routingKey, mandatory: true, Persistent,
                copy.AsMemory(0, payload.Length), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
            _inFlight.Exit();
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken) =>
        await _inFlight.WhenIdleAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _channel.CloseAsync().ConfigureAwait(false);
        await _channel.DisposeAsync().ConfigureAwait(false);
        await _connection.CloseAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
