using StackExchange.Redis;

namespace FastBroker.Load.Targets;

/// <summary>
/// One consumer of a Redis Streams consumer group on its own multiplexer: XREADGROUP over every partition stream,
/// then one XACK per stream for the entries the handler saw.
/// </summary>
/// <remarks>StackExchange.Redis has no typed blocking read, so XREADGROUP ... BLOCK goes through ExecuteAsync. That
/// is safe here because nothing else shares this multiplexer, and it keeps an idle consumer from adding a polling
/// delay to end-to-end latency.</remarks>
internal sealed class RedisStreamsConsumer : IConsumer
{
    private const int BatchPerStream = 1000;
    private const int BlockMilliseconds = 100;

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _db;
    private readonly RedisValue _group;
    private readonly object[] _readArgs;
    private readonly List<RedisValue> _handled = new(BatchPerStream);
    private int _disposed;

    public RedisStreamsConsumer(ConnectionMultiplexer connection, RedisKey[] keys, string group, string name)
    {
        _connection = connection;
        _db = connection.GetDatabase();
        _group = group;
        // Built once: XREADGROUP GROUP g c COUNT n BLOCK ms STREAMS k1 .. kn > .. >
        _readArgs = new object[8 + 2 * keys.Length];
        _readArgs[0] = "GROUP";
        _readArgs[1] = group;
        _readArgs[2] = name;
        _readArgs[3] = "COUNT";
        _readArgs[4] = BatchPerStream;
        _readArgs[5] = "BLOCK";
        _readArgs[6] = BlockMilliseconds;
        _readArgs[7] = "STREAMS";
        for (int i = 0; i < keys.Length; i++)
        {
            _readArgs[8 + i] = keys[i];
            _readArgs[8 + keys.Length + i] = ">";
        }
    }

    /// <remarks>Entries read but not handled because the handler returned false stay pending for this consumer.</remarks>
    public async Task<long> ConsumeAsync(MessageHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        long handled = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var reply = await _db.ExecuteAsync("XREADGROUP", _readArgs).ConfigureAwait(false);
            if (reply.IsNull)
                continue; // BLOCK timed out with nothing new
            // Reply: [[key, [[id, [field, value, ...]], ...]], ...]
            bool more = true;
            foreach (var stream in (RedisResult[])reply!)
            {
                var pair = (RedisResult[])stream!;
                var entries = (RedisResult[])pair[1]!;
                _handled.Clear();
                for (int i = 0; i < entries.Length && more; i++)
                {
                    var entry = (RedisResult[])entries[i]!;
                    var fields = (RedisResult[])entry[1]!;
                    ReadOnlyMemory<byte> payload = (RedisValue)fields[1];
                    more = handler(payload.Span);
                    _handled.Add((RedisValue)entry[0]);
                }
                if (_handled.Count > 0)
                {
                    await _db.StreamAcknowledgeAsync((RedisKey)pair[0], _group, [.. _handled]).ConfigureAwait(false);
                    handled += _handled.Count;
                }
                if (!more)
                    return handled;
            }
        }
        return handled;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
