using System.Threading.Channels;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Tests.Infrastructure;

/// <summary>
/// A fan-out broker in memory: every publish is copied to each subscription's channel. <see cref="Drop"/> loses the
/// message with that publish index for one subscription, and <see cref="Duplicate"/> delivers one twice, so loss and
/// duplicate detection can be checked without a server.
/// </summary>
internal sealed class FanoutMemoryTarget : IBrokerTarget
{
    private Channel<byte[]>[] _subscriptions = [];
    private long _published;

    /// <summary>(subscription, publish index) to lose, or null.</summary>
    public (int Subscription, long Index)? Drop { get; init; }

    /// <summary>(subscription, publish index) to deliver twice, or null.</summary>
    public (int Subscription, long Index)? Duplicate { get; init; }

    public string Name => "memory";
    public string ServerVersion => "memory/1";
    public string Durability => "in memory, fan-out";

    public Task PrepareAsync(string topic, int partitions, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PrepareFanoutAsync(string topic, int partitions, int subscriptions, CancellationToken cancellationToken)
    {
        _subscriptions = new Channel<byte[]>[subscriptions];
        for (int k = 0; k < subscriptions; k++)
            _subscriptions[k] = Channel.CreateUnbounded<byte[]>();
        return Task.CompletedTask;
    }

    public Task<IPublisher> CreatePublisherAsync(CancellationToken cancellationToken) => Task.FromResult<IPublisher>(new Publisher(this));

    public Task<IConsumer> CreateConsumerAsync(string group, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IConsumer> CreateFanoutConsumerAsync(string group, int subscription, CancellationToken cancellationToken)
        => Task.FromResult<IConsumer>(new ChannelConsumer(_subscriptions[subscription].Reader));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Publish(ReadOnlySpan<byte> payload)
    {
        long index = Interlocked.Increment(ref _published) - 1;
        for (int k = 0; k < _subscriptions.Length; k++)
        {
            if (Drop == (k, index))
                continue;
            _subscriptions[k].Writer.TryWrite(payload.ToArray());
            if (Duplicate == (k, index))
                _subscriptions[k].Writer.TryWrite(payload.ToArray());
        }
    }

    private sealed class Publisher(FanoutMemoryTarget target) : IPublisher
    {
        public ValueTask PublishAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            target.Publish(payload.Span);
            return ValueTask.CompletedTask;
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
