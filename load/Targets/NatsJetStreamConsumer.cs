using NATS.Client.Core;
using NATS.Client.JetStream;

namespace FastBroker.Load.Targets;

/// <summary>One member of a durable JetStream pull consumer on its own connection; acks every message after the
/// handler saw it.</summary>
internal sealed class NatsJetStreamConsumer : IConsumer
{
    private static readonly NatsJSConsumeOpts ConsumeOptions = new() { MaxMsgs = 1000 };

    private readonly NatsConnection _connection;
    private readonly INatsJSConsumer _consumer;
    private int _disposed;

    public NatsJetStreamConsumer(NatsConnection connection, INatsJSConsumer consumer)
    {
        _connection = connection;
        _consumer = consumer;
    }

    /// <remarks>Messages pulled but not handled after the handler returned false are not acked; JetStream redelivers
    /// them after the ack wait.</remarks>
    public async Task<long> ConsumeAsync(MessageHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        long handled = 0;
        try
        {
            // NatsMemoryOwner: the client copies each payload into a pooled buffer (it must: the socket buffer is
            // reused), which the using below returns.
            await foreach (var msg in _consumer.ConsumeAsync(NatsRawSerializer<NatsMemoryOwner<byte>>.Default, ConsumeOptions, cancellationToken)
                .ConfigureAwait(false))
            {
                bool more;
                using (var data = msg.Data)
                    more = handler(data.Memory.Span);
                await msg.AckAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                handled++;
                if (!more)
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancellation is how a timed run ends.
        }
        return handled;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
