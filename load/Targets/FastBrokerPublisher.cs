using FastBroker.ClientLite;

namespace FastBroker.Load.Targets;

/// <summary>
/// Publishes through one ClientLite <see cref="Producer"/> on its own connection. The producer's per-message
/// <c>ValueTask&lt;long&gt;</c> is passed on as a plain <see cref="ValueTask"/> through a pooled
/// <see cref="AckRelay"/>, so a publish still allocates nothing once the pool has grown to the window. In a routed
/// run message i of this publisher carries the key of <see cref="RouteKeys"/> for i, and the broker places it by
/// that key's hash; otherwise messages have no key and the producer spreads them round-robin.
/// </summary>
internal sealed class FastBrokerPublisher : IPublisher
{
    private readonly BrokerConnection _connection;
    private readonly Producer _producer;
    private readonly AckRelay.Pool _relays = new();
    private readonly RouteKeys? _keys;
    private long _sent;

    public FastBrokerPublisher(BrokerConnection connection, Producer producer, RouteKeys? keys = null)
    {
        _connection = connection;
        _producer = producer;
        _keys = keys;
    }

    /// <inheritdoc/>
    public ValueTask PublishAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        // The null must be typed: `_keys is null ? null : ...` takes ReadOnlyMemory<byte> as its type, so its null
        // becomes an empty key (byte[] null converted), which hashes every message to one partition.
        ReadOnlyMemory<byte>? key = _keys is null ? default(ReadOnlyMemory<byte>?) : _keys.Utf8(Interlocked.Increment(ref _sent) - 1);
        var ack = _producer.SendAsync(payload, key, cancellationToken: cancellationToken);
        if (ack.IsCompletedSuccessfully)
        {
            _ = ack.Result;
            return ValueTask.CompletedTask;
        }
        return _relays.Rent(ack);
    }

    /// <inheritdoc/>
    public ValueTask FlushAsync(CancellationToken cancellationToken) => _producer.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _producer.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
