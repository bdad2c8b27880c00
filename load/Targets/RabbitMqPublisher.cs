using System.Buffers;
using System.Runtime.CompilerServices;
using FastBroker.Load.Targets.Internal;
using RabbitMQ.Client;

namespace FastBroker.Load.Targets;

/// <summary>Persistent, mandatory publishes through the default exchange, round-robin over the partition queues, on
/// one channel with confirm tracking: each call completes when its confirm arrives, many in flight at once.</summary>
internal sealed class RabbitMqPublisher : IPublisher
{
    private static readonly CachedString DefaultExchange = new(string.Empty);
    private static readonly BasicProperties Persistent = new() { DeliveryMode = DeliveryModes.Persistent };

    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly CachedString[] _routingKeys;
    private readonly InFlightCounter _inFlight = new();
    private uint _next;
    private int _disposed;

    public RabbitMqPublisher(IConnection connection, IChannel channel, string[] queues)
    {
        _connection = connection;
        _channel = channel;
        // Cached: the routing key is encoded once, not on every publish.
        _routingKeys = new CachedString[queues.Length];
        for (int i = 0; i < queues.Length; i++)
            _routingKeys[i] = new CachedString(queues[i]);
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
            var routingKey = _routingKeys[Interlocked.Increment(ref _next) % (uint)_routingKeys.Length];
            await _channel.BasicPublishAsync(DefaultExchange, routingKey, mandatory: true, Persistent,
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
