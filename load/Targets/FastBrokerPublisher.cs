using FastBroker.ClientLite;

namespace FastBroker.Load.Targets;

/// <summary>
/// Publishes through one ClientLite <see cref="Producer"/> on its own connection. The producer's per-message
/// <c>ValueTask&lt;long&gt;</c> is passed on as a plain <see cref="ValueTask"/> through a pooled
/// <see cref="AckRelay"/>, so a publish still allocates nothing once the pool has grown to the window.
/// </summary>
internal sealed class FastBrokerPublisher : IPublisher
{
    private readonly BrokerConnection _connection;
    private readonly Producer _producer;
    private readonly AckRelay.Pool _relays = new();

    public FastBrokerPublisher(BrokerConnection connection, Producer producer)
    {
        _connection = connection;
        _producer = producer;
    }

    /// <inheritdoc/>
    public ValueTask PublishAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var ack = _producer.SendAsync(payload, cancellationToken: cancellationToken);
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
