using System.Runtime.CompilerServices;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire;

namespace FastBroker.ClientLite;

/// <summary>
/// Reads a topic's partitions as streams: from a <see cref="StartPosition"/>, or from its group's committed
/// position when there is one. It owns an endpoint rather than a connection: when the connection is lost it
/// reconnects with jittered exponential backoff and resumes each partition at the first offset it had not yet
/// yielded, so nothing is skipped or repeated. Not thread-safe: one consumer at a time.
/// </summary>
public sealed class TopicReader : IAsyncDisposable
{
    private readonly string _endpoint;
    private readonly TopicReaderOptions _options;
    private readonly TimeProvider _time;
    private readonly FetchDecoder _decoder = new();
    private BrokerConnection? _connection;
    private int[] _partitions = [];
    private long[] _positions = [];
    private long[] _committed = [];
    private int _rotation;
    private bool _started;
    private bool _disposed;

    /// <summary>Creates a reader of <paramref name="topic"/> at <paramref name="endpoint"/> ("host:port"). Nothing connects until it is read.</summary>
    public TopicReader(string endpoint, string topic, TopicReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        _endpoint = endpoint;
        Topic = topic;
        _options = options ?? TopicReaderOptions.Default;
        _time = _options.Connection.TimeProvider;
    }

    /// <summary>The topic read.</summary>
    public string Topic { get; }

    /// <summary>Connections opened so far (1 after the first read, +1 per reconnect).</summary>
    public int ConnectionCount { get; private set; }

    /// <summary>The next offset the reader will yield from <paramref name="partition"/>, or null before reading starts or for a partition it does not read.</summary>
    public long? GetPosition(int partition)
    {
        int index = Array.IndexOf(_partitions, partition);
        return index < 0 ? null : _positions[index];
    }

    /// <summary>
    /// Yields messages of every partition read, in offset order within each partition, long-polling at the end.
    /// It never ends by itself: stop with <paramref name="cancellationToken"/> (an <see cref="OperationCanceledException"/>)
    /// or by leaving the loop. Throws <see cref="BrokerConnectionException"/> when no connection could be made
    /// again within <see cref="TopicReaderOptions.ReconnectTimeout"/>, and <see cref="BrokerException"/> for
    /// errors a retry cannot fix (unknown topic, offset out of range, corrupt data, a partition the broker could not
    /// open: <see cref="ErrorCode.PartitionUnavailable"/>). The first connection is
    /// not retried. Each message's memory is valid until the next message is requested.
    /// </summary>
    public async IAsyncEnumerable<TopicMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var fetches = new Task<FetchResult>?[_partitions.Length];
        var fetchOffsets = (long[])_positions.Clone();
        try
        {
            while (true)
            {
                var connection = _connection!;
                for (int i = 0; i < fetches.Length; i++)
                    fetches[i] ??= StartFetch(connection, i, fetchOffsets[i], cancellationToken);

                int ready = await WaitAnyAsync(fetches).ConfigureAwait(false);
                var fetch = fetches[ready]!;
                fetches[ready] = null;
                FetchResult? result = null;
                Exception? lost = null;
                try
                {
                    result = await fetch.ConfigureAwait(false);
                }
                catch (Exception e) when (e is BrokerConnectionException or TimeoutException or BrokerException { Code: ErrorCode.ShuttingDown })
                {
                    // A stopping broker answers a waiting fetch ShuttingDown, then closes: the same as a lost connection.
                    lost = e;
                }
                if (lost is not null)
                {
                    Drain(fetches);
                    if (ReferenceEquals(_connection, connection) || _connection is not { IsConnected: true })
                        await ReconnectAsync(lost, cancellationToken).ConfigureAwait(false);
                    Array.Copy(_positions, fetchOffsets, _positions.Length);
                    continue;
                }

                try
                {
                    var batches = result!.Batches;
                    if (!TryDecode(result, fetchOffsets[ready], out long next, out string? problem))
                        throw new BrokerException(ErrorCode.CorruptBatch, $"Fetch from {Topic}/{_partitions[ready]} returned {problem}.");
                    // Ask for what follows before handing these out, so the next fetch overlaps their processing.
                    fetchOffsets[ready] = next;
                    fetches[ready] = StartFetch(connection, ready, next, cancellationToken);
                    for (int r = 0; r < _decoder.Count; r++)
                    {
                        var message = _decoder[r].ToMessage(_partitions[ready], batches);
                        _positions[ready] = message.Offset + 1;
                        yield return message;
                    }
                    // A filtered fetch also moves past what did not match, so a commit does not re-examine it.
                    if (result.NextOffset is not null)
                        _positions[ready] = next;
                }
                finally
                {
                    result!.Dispose();
                }
            }
        }
        finally
        {
            Drain(fetches);
        }
    }

    /// <summary>
    /// Stores, for the reader's group, the position of every partition read (the next offset it would yield),
    /// where it changed since the last commit. The group resumes there next time. Throws
    /// <see cref="InvalidOperationException"/> when the reader has no group.
    /// </summary>
    public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
    {
        string group = _options.Group ?? throw new InvalidOperationException("Only a reader with a group can commit.");
        if (!_started)
            return;
        if (_connection is not { IsConnected: true })
            await ReconnectAsync(new BrokerConnectionException("Not connected."), cancellationToken).ConfigureAwait(false);

        var commits = new List<(int Index, long Position, ValueTask Commit)>();
        for (int i = 0; i < _partitions.Length; i++)
        {
            long position = _positions[i];
            if (position != _committed[i])
                commits.Add((i, position, _connection!.CommitPositionAsync(group, Topic, _partitions[i], position, cancellationToken)));
        }
        Exception? first = null;
        foreach (var (index, position, commit) in commits)
        {
            try
            {
                await commit.ConfigureAwait(false);
                _committed[index] = position;
            }
            catch (Exception e)
            {
                // Every commit was sent; await them all before reporting the first failure.
                first ??= e;
            }
        }
        if (first is not null)
            throw first;
    }

    /// <summary>Closes the reader's connection. Positions not committed are not stored.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        var connection = _connection;
        _connection = null;
        if (connection is not null)
            await connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Connects, checks the topic and settles every partition's start position (reading the group's positions).
    /// <see cref="ReadAllAsync"/> does this itself; calling it first separates "cannot start" (unknown topic,
    /// broker unreachable: thrown here, the first connection is not retried) from waiting for messages.
    /// Idempotent; after a lost connection it reconnects like a read would.
    /// </summary>
    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_started)
        {
            if (_connection is not { IsConnected: true })
                await ReconnectAsync(new BrokerConnectionException("Not connected."), cancellationToken).ConfigureAwait(false);
            return;
        }

        _connection = await BrokerConnection.ConnectAsync(_endpoint, _options.Connection, cancellationToken).ConfigureAwait(false);
        ConnectionCount++;
        var metadata = await _connection.GetTopicMetadataAsync(Topic, cancellationToken).ConfigureAwait(false);
        var partitions = new int[_options.Partitions?.Count ?? metadata.PartitionCount];
        for (int i = 0; i < partitions.Length; i++)
        {
            int partition = _options.Partitions?[i] ?? i;
            if ((uint)partition >= (uint)metadata.PartitionCount)
                throw new ArgumentOutOfRangeException(nameof(TopicReaderOptions.Partitions), partition, $"Topic '{Topic}' has {metadata.PartitionCount} partitions.");
            partitions[i] = partition;
        }

        var positions = new long[partitions.Length];
        var committed = new long[partitions.Length];
        for (int i = 0; i < partitions.Length; i++)
        {
            long? stored = _options.Group is { } group
                ? await _connection.ReadPositionAsync(group, Topic, partitions[i], cancellationToken).ConfigureAwait(false)
                : null;
            var range = metadata.Partitions[partitions[i]];
            // The broker reports -1/-1 for a partition it could not open (PROTOCOL.md section 5.6): nothing to read.
            if (range.StartOffset < 0 || range.EndOffset < 0)
                throw new BrokerException(ErrorCode.PartitionUnavailable,
                    $"Partition {partitions[i]} of topic '{Topic}' is unavailable: the broker could not open it (see the broker's log).");
            positions[i] = stored ?? _options.Start.Kind switch
            {
                StartPositionKind.Latest => range.EndOffset,
                // One offset for all partitions: each partition clamps it to what it holds, rather than failing.
                StartPositionKind.Offset => Math.Clamp(_options.Start.Value, range.StartOffset, range.EndOffset),
                _ => range.StartOffset,
            };
            committed[i] = stored ?? -1;
        }
        (_partitions, _positions, _committed, _started) = (partitions, positions, committed, true);
    }

    private Task<FetchResult> StartFetch(BrokerConnection connection, int index, long offset, CancellationToken cancellationToken)
        => _options.Filter is { } filter
            ? connection.FetchFilteredAsync(Topic, _partitions[index], offset, filter, _options.MaxBytes, _options.MaxWait, cancellationToken).AsTask()
            : connection.FetchAsync(Topic, _partitions[index], offset, _options.MaxBytes, _options.MaxWait, cancellationToken).AsTask();

    /// <summary>Fills the decoder's table from a fetch; <paramref name="next"/> is where the partition's next fetch starts.</summary>
    private bool TryDecode(FetchResult result, long from, out long next, out string? problem)
    {
        if (result.NextOffset is not { } filteredNext)
            return _decoder.TryDecode(result.Batches.Span, from, out next, out problem);
        next = filteredNext;
        return FilteredFetchDecoder.TryDecode(_decoder, result, out problem);
    }

    /// <summary>Index of a completed fetch, checking partitions in rotating order so a busy one cannot starve the rest.</summary>
    private async ValueTask<int> WaitAnyAsync(Task<FetchResult>?[] fetches)
    {
        if (fetches.Length == 1)
            return 0;
        while (true)
        {
            for (int n = 0; n < fetches.Length; n++)
            {
                int i = (_rotation + n) % fetches.Length;
                if (fetches[i]!.IsCompleted)
                {
                    _rotation = i + 1;
                    return i;
                }
            }
            await Task.WhenAny(fetches!).ConfigureAwait(false);
        }
    }

    /// <summary>Abandons outstanding fetches, returning the buffers of any that still succeed.</summary>
    private static void Drain(Task<FetchResult>?[] fetches)
    {
        for (int i = 0; i < fetches.Length; i++)
        {
            var fetch = fetches[i];
            fetches[i] = null;
            fetch?.ContinueWith(static t =>
            {
                if (t.IsCompletedSuccessfully)
                    t.Result.Dispose();
                else
                    _ = t.Exception; // observed: the reader has moved on from this fetch
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async ValueTask ReconnectAsync(Exception cause, CancellationToken cancellationToken)
    {
        var old = _connection;
        _connection = null;
        if (old is not null)
            await old.DisposeAsync().ConfigureAwait(false);

        long began = _time.GetTimestamp();
        var backoff = _options.InitialReconnectBackoff;
        var last = cause;
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var elapsed = _time.GetElapsedTime(began);
            if (elapsed >= _options.ReconnectTimeout)
                throw new BrokerConnectionException($"Could not reconnect to {_endpoint} within {_options.ReconnectTimeout}: {last.Message}", last);

            // Jitter keeps many readers that lost the same broker from reconnecting in lockstep.
            var delay = backoff * (0.5 + Random.Shared.NextDouble() * 0.5);
            if (delay > _options.ReconnectTimeout - elapsed)
                delay = _options.ReconnectTimeout - elapsed;
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            try
            {
                _connection = await BrokerConnection.ConnectAsync(_endpoint, _options.Connection, cancellationToken).ConfigureAwait(false);
                ConnectionCount++;
                return;
            }
            catch (Exception e) when (e is BrokerConnectionException or TimeoutException or BrokerException { Code: ErrorCode.ShuttingDown })
            {
                last = e;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxReconnectBackoff.Ticks));
        }
    }
}
