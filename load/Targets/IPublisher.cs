namespace FastBroker.Load.Targets;

/// <summary>Publishes messages; thread-safe for concurrent <see cref="PublishAsync"/> calls.</summary>
public interface IPublisher : IAsyncDisposable
{
    /// <summary>Publishes one message. The returned task completes when the broker has acknowledged it durably
    /// (as described by <see cref="IBrokerTarget.Durability"/>), and faults if it did not. The payload may be
    /// reused by the caller as soon as this method returns.</summary>
    ValueTask PublishAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>Sends anything buffered and waits until every publish so far is acknowledged.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}
