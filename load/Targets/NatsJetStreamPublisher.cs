using System.Buffers;
using System.Runtime.CompilerServices;
using FastBroker.Load.Targets.Internal;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace FastBroker.Load.Targets;

/// <summary>JetStream publish round-robin over the partition subjects, awaiting each PubAck; concurrent calls keep
/// many publishes in flight on the one connection.</summary>
internal sealed class NatsJetStreamPublisher : IPublisher
{
    private readonly NatsConnection _connection;
    private readonly NatsJSContext _js;
    private readonly string[] _subjects;
    private readonly InFlightCounter _inFlight = new();
    private uint _next;
    private int _disposed;

    public NatsJetStreamPublisher(NatsConnection connection, string[] subjects)
    {
        _connection = connection;
        _js = new NatsJSContext(connection);
        _subjects = subjects;
    }

    /// <remarks>The token is checked before sending only: the client may serialize the payload copy after this method
    /// has returned (when its write lock is contended), so the copy lives until the PubAck arrives.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask PublishAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        byte[] copy = ArrayPool<byte>.Shared.Rent(payload.Length);
        _inFlight.Enter();
        try
        {
            payload.Span.CopyTo(copy);
            string subject = _subjects[Interlocked.Increment(ref _next) % (uint)_subjects.Length];
            var ack = await _js.PublishAsync<ReadOnlyMemory<byte>>(
                subject, copy.AsMemory(0, payload.Length), NatsRawSerializer<ReadOnlyMemory<byte>>.Default).ConfigureAwait(false);
            ack.EnsureSuccess();
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
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
