using System.Threading.Channels;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Tests.Infrastructure;

/// <summary>
/// A broker in a channel, for running scenarios without a server: publishes are acknowledged at once, consumers
/// compete for messages. With <see cref="DeliverNothing"/> its consumers never receive anything (a stalled broker).
/// </summary>
internal sealed class InMemoryTarget : IBrokerTarget
{
    private Channel<byte[]> _channel = Channel.CreateUnbounded<byte[]>();

    public bool DeliverNothing { get; init; }

    /// <summary>Publishes are acknowledged and dropped (for runs too long to keep every message).</summary>
    public bool Discard { get; init; }

    public string Name => "memory";
    public string ServerVersion => "memory/1";
    public string Durability => "in memory, nothing durable";

    public Task PrepareAsync(string topic, int partitions, CancellationToken cancellationToken)
    {
        _channel = Channel.CreateUnbounded<byte[]>();
        return Task.CompletedTask;
    }

    public Task<IPublisher> CreatePublisherAsync(CancellationToken cancellationToken) => Task.FromResult<IPublisher>(new Publisher(_channel.Writer, Discard));

    public Task<IConsumer> CreateConsumerAsync(string group, CancellationToken cancellationToken)
        => Task.FromResult<IConsumer>(new ChannelConsumer(_channel.Reader, DeliverNothing));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Publisher(ChannelWriter<byte[]> writer, bool discard) : IPublisher
    {
        public ValueTask PublishAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            if (!discard)
                writer.TryWrite(payload.ToArray());
            return ValueTask.CompletedTask;
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
