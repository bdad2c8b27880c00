using System.Buffers;
using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace FastBroker.Load.Targets;

/// <summary>XADD with the payload as field <c>d</c>, round-robin over the partition streams, many in flight on one
/// multiplexer (StackExchange.Redis pipelines every command on its single socket).</summary>
internal sealed class RedisStreamsPublisher : IPublisher
{
    private static readonly RedisValue PayloadField = "d";

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _db;
    private readonly RedisKey[] _keys;
    private uint _next;
    private int _disposed;

    public RedisStreamsPublisher(ConnectionMultiplexer connection, RedisKey[] keys)
    {
        _connection = connection;
        _db = connection.GetDatabase();
        _keys = keys;
    }

    /// <remarks>The token is checked before sending only: once XADD is queued the library may still read the payload
    /// copy, so the copy (and this call) lives until Redis answers.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask PublishAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // The command may sit in the multiplexer's queue after this method returns, and the caller may then reuse
        // its buffer; a pooled copy keeps the bytes stable without a per-message allocation.
        byte[] copy = ArrayPool<byte>.Shared.Rent(payload.Length);
        try
        {
            payload.Span.CopyTo(copy);
            var key = _keys[Interlocked.Increment(ref _next) % (uint)_keys.Length];
            await _db.StreamAddAsync(key, PayloadField, (RedisValue)copy.AsMemory(0, payload.Length)).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Redis answers one connection's commands in order, so a PING answered means every XADD sent before
    /// it has been answered (and, under appendfsync always, fsynced).</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken) =>
        await _db.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
