using System.Globalization;
using FastBroker.Load.Targets.Internal;
using StackExchange.Redis;

namespace FastBroker.Load.Targets;

/// <summary>
/// Redis Streams as started by load/peers/start.sh: one stream per partition (<c>{topic}:{p}</c>), publishers
/// round-robin XADD across them, consumers share a consumer group and XACK each batch after the handler saw it.
/// </summary>
public sealed class RedisStreamsTarget : IBrokerTarget
{
    private readonly string _endpoint;
    private readonly OwnedDisposables _owned = new();
    private ConnectionMultiplexer? _admin;
    private RedisKey[] _keys = [];
    private int _consumers;
    private int _fanout;
    private string _topic = "";

    /// <summary>Targets the Redis server at <see cref="TargetEndpoints.Redis"/> (host:port, loopback only).</summary>
    public RedisStreamsTarget(TargetEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Loopback.RequireHostPort(endpoints.Redis);
        _endpoint = endpoints.Redis;
    }

    /// <inheritdoc />
    public string Name => "redis";

    /// <inheritdoc />
    public string ServerVersion { get; private set; } = "Redis (not connected)";

    /// <inheritdoc />
    public string Durability =>
        "appendonly yes, appendfsync always, save \"\": XADD is answered after its AOF write is fsynced (one fsync per "
        + "event-loop pass, a group commit); "
        + (_fanout > 0
            ? $"fan-out: one stream ({{topic}}:0) with {_fanout} consumer groups {{topic}}-f{{k}}, one consumer each"
            : "one stream per partition ({topic}:{p}), publishers round-robin")
        + "; consumers read with XREADGROUP COUNT 1000 BLOCK 100 and XACK each batch after the handler saw it";

    /// <inheritdoc />
    public Task PrepareAsync(string topic, int partitions, CancellationToken cancellationToken)
        => PrepareAsync(topic, partitions, fanout: 0, cancellationToken);

    /// <summary>Fan-out: one stream (<c>{topic}:0</c>, whatever <paramref name="partitions"/> says) whose
    /// <paramref name="subscriptions"/> consumer groups <c>{topic}-f{k}</c> are created with their consumers.</summary>
    public Task PrepareFanoutAsync(string topic, int partitions, int subscriptions, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subscriptions, 1);
        return PrepareAsync(topic, 1, subscriptions, cancellationToken);
    }

    /// <summary>Fan-out: the one consumer of the group <c>{topic}-f{subscription}</c>.</summary>
    public Task<IConsumer> CreateFanoutConsumerAsync(string group, int subscription, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(subscription);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(subscription, _fanout);
        return CreateConsumerAsync(FanoutGroup(_topic, subscription), cancellationToken);
    }

    /// <summary>The consumer group of fan-out subscription <paramref name="index"/>: <c>{topic}-f{index}</c>.</summary>
    public static string FanoutGroup(string topic, int index) => string.Create(CultureInfo.InvariantCulture, $"{topic}-f{index}");

    private async Task PrepareAsync(string topic, int partitions, int fanout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        // Admin mode for INFO and SCAN, which StackExchange.Redis guards; only this setup connection has it.
        _admin ??= await ConnectAsync("fastbroker-load-admin", allowAdmin: true).ConfigureAwait(false);
        var server = _admin.GetServer(_admin.GetEndPoints()[0]);
        ServerVersion = "Redis " + await ReadVersionAsync(server).ConfigureAwait(false);

        var keys = new RedisKey[partitions];
        for (int p = 0; p < partitions; p++)
            keys[p] = $"{topic}:{p}";
        // Streams of an earlier run with more partitions would otherwise survive and confuse a later reader.
        var stale = new List<RedisKey>(keys);
        await foreach (var key in server.KeysAsync(pattern: topic + ":*").WithCancellation(cancellationToken).ConfigureAwait(false))
            stale.Add(key);
        await _admin.GetDatabase().KeyDeleteAsync([.. stale]).ConfigureAwait(false);
        (_keys, _topic, _fanout) = (keys, topic, fanout);
    }

    /// <inheritdoc />
    public async Task<IPublisher> CreatePublisherAsync(CancellationToken cancellationToken)
    {
        var keys = RequirePrepared();
        // One multiplexer per publisher: each is one socket with its own pipeline, as a real producer process would have.
        var connection = await ConnectAsync("fastbroker-load-publisher").ConfigureAwait(false);
        return Own(new RedisStreamsPublisher(connection, keys));
    }

    /// <inheritdoc />
    public async Task<IConsumer> CreateConsumerAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        var keys = RequirePrepared();
        var connection = await ConnectAsync("fastbroker-load-consumer").ConfigureAwait(false);
        try
        {
            var db = connection.GetDatabase();
            foreach (var key in keys)
                await CreateGroupAsync(db, key, group).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        string name = $"consumer-{Environment.ProcessId}-{Interlocked.Increment(ref _consumers)}";
        return Own(new RedisStreamsConsumer(connection, keys, group, name));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _owned.DisposeAllAsync().ConfigureAwait(false);
        if (_admin is not null)
            await _admin.DisposeAsync().ConfigureAwait(false);
        _admin = null;
    }

    private static async Task CreateGroupAsync(IDatabase db, RedisKey key, string group)
    {
        try
        {
            // Position 0, not $: a consumer created after the first publishes must still see them. MKSTREAM creates
            // the (deleted) stream empty so the group can exist before anything is published.
            await db.StreamCreateConsumerGroupAsync(key, group, "0", createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another consumer of the same group created it first: exactly what was wanted.
        }
    }

    private static async Task<string> ReadVersionAsync(IServer server)
    {
        foreach (var section in await server.InfoAsync("server").ConfigureAwait(false))
        {
            foreach (var pair in section)
            {
                if (pair.Key == "redis_version")
                    return pair.Value;
            }
        }
        return server.Version.ToString();
    }

    private Task<ConnectionMultiplexer> ConnectAsync(string clientName, bool allowAdmin = false)
    {
        var options = ConfigurationOptions.Parse(_endpoint);
        options.AllowAdmin = allowAdmin;
        options.ClientName = clientName;
        // RESP2 keeps the XREADGROUP reply a plain nested array, which RedisStreamsConsumer parses.
        options.Protocol = RedisProtocol.Resp2;
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        // A closed-loop publisher keeps tens of thousands of XADDs pipelined on one connection; with appendfsync
        // always the last of them can wait longer than the client's 5 s default without anything being wrong.
        options.AsyncTimeout = 60_000;
        options.SyncTimeout = 60_000;
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    private RedisKey[] RequirePrepared() =>
        _keys.Length > 0 ? _keys : throw new InvalidOperationException("PrepareAsync must run before publishers or consumers are created");

    private T Own<T>(T item) where T : IAsyncDisposable => _owned.Own(item);
}
