using System.Runtime.CompilerServices;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Filters;

namespace FastBroker.ClientLite;

/// <summary>
/// Reads a topic's partitions as streams: from a <see cref="StartPosition"/>, or from its group's committed
/// position when there is one. A pattern reader (<see cref="ForPattern"/>) reads every topic whose name matches a
/// <see cref="RoutingPattern"/> the same way, picking up matching topics created later and dropping deleted ones.
/// It owns an endpoint rather than a connection: when the connection is lost it reconnects with jittered
/// exponential backoff and resumes each partition at the first offset it had not yet yielded, so nothing is
/// skipped or repeated. Messages expired when read are skipped unless <see cref="TopicReaderOptions.IncludeExpired"/>
/// is set. Not thread-safe: one consumer at a time.
/// <para>
/// A topic deleted and created again under the same name is another topic: the broker gives it another id and its
/// offsets start over at 0. The reader remembers the id of each topic it opens and compares it every
/// <see cref="TopicReaderOptions.TopicRefreshInterval"/>, after each reconnect, and when a fetch fails. A pattern reader
/// treats a re-created topic as a deleted one plus a new one: it drops the old positions and reads the new topic
/// from where it reads topics found later (the group's position if any — the broker deletes a group's positions with
/// the topic — else <see cref="TopicReaderOptions.Start"/>, with <see cref="StartPosition.Earliest"/> for
/// <see cref="StartPosition.Latest"/>). A reader of one topic throws a <see cref="BrokerException"/>
/// (<see cref="ErrorCode.UnknownTopic"/>, saying the topic was re-created) rather than jump to another log on its
/// own: its caller chose a topic and positions, and decides whether the new topic should be read, and from where.
/// Between the re-creation and the next check, a fetch at the old position may already return messages of the new
/// topic (once it has grown that far); a pattern reader yields those again when it re-reads the new topic.
/// </para>
/// </summary>
public sealed partial class TopicReader : IAsyncDisposable
{
    private readonly string _endpoint;
    private readonly TopicReaderOptions _options;
    private readonly TimeProvider _time;
    private readonly RoutingPattern? _pattern;
    private readonly FetchDecoder _decoder = new();
    private BrokerConnection? _connection;
    private PartitionCursor[] _cursors = [];
    private string[] _topics = [];
    private readonly Dictionary<string, Guid> _topicIds = new(StringComparer.Ordinal);
    private Task[] _waiting = [];
    private int _rotation;
    private bool _started;
    private bool _disposed;

    /// <summary>
    /// Messages skipped so far because retention deleted them before this reader got to them: a fetch below a
    /// partition's start (<see cref="ErrorCode.OffsetOutOfRange"/>) of the topic the reader opened makes it continue
    /// from that start, and a reader with a group commits from there as it reads on. A fetch out of range for any
    /// other reason (a topic re-created, a position above the end) still fails.
    /// </summary>
    public long SkippedMessages { get; private set; }

    /// <summary>Raised on the reading thread each time the reader skips messages deleted by retention (see <see cref="SkippedMessages"/>).</summary>
    public event Action<SkippedRange>? MessagesSkipped;

    /// <summary>Creates a reader of <paramref name="topic"/> at <paramref name="endpoint"/> ("host:port"). Nothing connects until it is read.</summary>
    public TopicReader(string endpoint, string topic, TopicReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        _endpoint = endpoint;
        Topic = topic;
        _options = options ?? TopicReaderOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.TopicRefreshInterval, TimeSpan.Zero, nameof(options.TopicRefreshInterval));
        _time = _options.Connection.TimeProvider;
    }

    private TopicReader(string endpoint, RoutingPattern pattern, TopicReaderOptions options)
    {
        _endpoint = endpoint;
        Topic = pattern.Text;
        _pattern = pattern;
        _options = options;
        _time = options.Connection.TimeProvider;
    }

    /// <summary>
    /// Creates a reader of every topic whose name matches <paramref name="pattern"/> (a <see cref="RoutingPattern"/>:
    /// <c>orders.*</c>, <c>orders.#</c>). It lists the broker's topics when it starts and every
    /// <see cref="TopicReaderOptions.TopicRefreshInterval"/> after: a new matching topic is read from
    /// <see cref="TopicReaderOptions.Start"/> (see there for <see cref="StartPosition.Latest"/>), or from the group's
    /// position; a topic deleted while being read is dropped without failing the read, and one deleted and created
    /// again (another topic id) is read anew, from the same start as a new topic. With no matching topic the
    /// read waits for one. <see cref="TopicReaderOptions.Partitions"/> must be null: every partition of each topic
    /// is read. Throws <see cref="ArgumentException"/> for an invalid pattern.
    /// </summary>
    public static TopicReader ForPattern(string endpoint, string pattern, TopicReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (!RoutingPattern.TryParse(pattern, out var parsed, out string? error))
            throw new ArgumentException(error, nameof(pattern));
        options ??= TopicReaderOptions.Default;
        if (options.Partitions is not null)
            throw new ArgumentException("A pattern reader reads every partition of each topic: leave Partitions null.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.TopicRefreshInterval, TimeSpan.Zero, nameof(options.TopicRefreshInterval));
        return new TopicReader(endpoint, parsed!, options);
    }

    /// <summary>The topic read; for a pattern reader, the pattern's text.</summary>
    public string Topic { get; }

    /// <summary>The pattern of a reader made by <see cref="ForPattern"/>; null for a reader of one topic.</summary>
    public RoutingPattern? Pattern => _pattern;

    /// <summary>The topics being read now (empty before reading starts). A pattern reader's list changes as topics come and go.</summary>
    public IReadOnlyList<string> Topics => _topics;

    /// <summary>Connections opened so far (1 after the first read, +1 per reconnect).</summary>
    public int ConnectionCount { get; private set; }

    /// <summary>
    /// The next offset the reader will yield from <paramref name="partition"/> of <see cref="Topic"/>, or null before
    /// reading starts or for a partition it does not read. For a pattern reader use <see cref="GetPosition(string, int)"/>.
    /// </summary>
    public long? GetPosition(int partition) => GetPosition(Topic, partition);

    /// <summary>The next offset the reader will yield from <paramref name="partition"/> of <paramref name="topic"/>, or null when it does not read it.</summary>
    public long? GetPosition(string topic, int partition)
    {
        foreach (var cursor in _cursors)
        {
            if (cursor.Partition == partition && cursor.Topic == topic)
                return cursor.Position;
        }
        return null;
    }

    /// <summary>
    /// Yields messages of every partition read, in offset order within each partition, long-polling at the end.
    /// It never ends by itself: stop with <paramref name="cancellationToken"/> (an <see cref="OperationCanceledException"/>)
    /// or by leaving the loop. Throws <see cref="BrokerConnectionException"/> when no connection could be made
    /// again within <see cref="TopicReaderOptions.ReconnectTimeout"/>, and <see cref="BrokerException"/> for
    /// errors a retry cannot fix (unknown topic, offset out of range, corrupt data, a partition the broker could not
    /// open: <see cref="ErrorCode.PartitionUnavailable"/>, a topic deleted, or deleted and created again, while a
    /// reader of one topic reads it); a pattern reader throws those only for a topic that still exists and is still
    /// the one it opened. The first connection is not retried. Each message's memory is valid until the next message is requested.
    /// </summary>
    public async IAsyncEnumerable<TopicMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        foreach (var cursor in _cursors)
            cursor.FetchOffset = cursor.Position;
        // Ends the refresh timer with the read.
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? refresh = null;
        Task? heartbeat = null;
        bool checkNow = false;
        try
        {
            while (true)
            {
                var connection = _connection!;
                foreach (var cursor in _cursors)
                    cursor.Fetch ??= StartFetch(connection, cursor, cursor.FetchOffset, cancellationToken);
                refresh ??= Task.Delay(_options.TopicRefreshInterval, _time, reading.Token);
                if (_memberId is not null)
                    heartbeat ??= Task.Delay(_heartbeatInterval, _time, reading.Token);

                int ready = checkNow ? -1 : await WaitAnyAsync(refresh, heartbeat).ConfigureAwait(false);
                PartitionCursor? from = null;
                FetchResult? result = null;
                Exception? lost = null;
                try
                {
                    if (ready == -2)
                    {
                        var due = heartbeat!;
                        heartbeat = null;
                        await due.ConfigureAwait(false);
                        await HeartbeatAsync(connection, cancellationToken).ConfigureAwait(false);
                    }
                    else if (ready < 0)
                    {
                        if (!checkNow)
                        {
                            var due = refresh;
                            refresh = null;
                            await due.ConfigureAwait(false);
                        }
                        checkNow = false;
                        await CheckTopicsAsync(connection, cancellationToken).ConfigureAwait(false);
                        // After a reconnect: rejoin as the same member (the broker keeps its partitions if its
                        // session has not ended) and learn what changed meanwhile.
                        if (_memberId is not null)
                            await JoinAsync(connection, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        from = _cursors[ready];
                        result = await TakeFetchAsync(connection, from, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (IsConnectionLoss(e))
                {
                    lost = e;
                }
                if (lost is not null)
                {
                    DrainAll();
                    if (ReferenceEquals(_connection, connection) || _connection is not { IsConnected: true })
                        await ReconnectAsync(lost, cancellationToken).ConfigureAwait(false);
                    // A topic may have been deleted and created again while the reader was away.
                    checkNow = true;
                    continue;
                }
                if (result is null)
                    continue; // a topic check, or a fetch from a topic that was deleted or created again

                Exception? lostWhileBeating = null;
                try
                {
                    var batches = result.Batches;
                    if (!TryDecode(result, from!.FetchOffset, out long next, out string? problem))
                        throw new BrokerException(ErrorCode.CorruptBatch, $"Fetch from {from.Topic}/{from.Partition} returned {problem}.");
                    // Ask for what follows before handing these out, so the next fetch overlaps their processing.
                    from.FetchOffset = next;
                    from.Fetch = StartFetch(connection, from, next, cancellationToken);
                    bool revoked = false;
                    for (int r = 0; r < _decoder.Count; r++)
                    {
                        from.Position = _decoder[r].Offset + 1;
                        if (IsSkippedAsExpired(r))
                            continue;
                        yield return _decoder[r].ToMessage(from.Topic, from.Partition, batches);
                        // A large fetch takes long to hand out: the membership must not lapse meanwhile.
                        if (heartbeat is { IsCompletedSuccessfully: true })
                        {
                            lostWhileBeating = await TryHeartbeatAsync(connection, cancellationToken).ConfigureAwait(false);
                            heartbeat = _memberId is null ? null : Task.Delay(_heartbeatInterval, _time, reading.Token);
                            revoked = Array.IndexOf(_cursors, from) < 0;
                            if (lostWhileBeating is not null || revoked)
                                break;
                        }
                    }
                    // A filtered fetch also moves past what did not match, so a commit does not re-examine it.
                    if (result.NextOffset is not null && !revoked && lostWhileBeating is null)
                        from.Position = next;
                }
                finally
                {
                    result.Dispose();
                }
                if (lostWhileBeating is not null)
                {
                    DrainAll();
                    if (ReferenceEquals(_connection, connection) || _connection is not { IsConnected: true })
                        await ReconnectAsync(lostWhileBeating, cancellationToken).ConfigureAwait(false);
                    checkNow = true;
                }
            }
        }
        finally
        {
            DrainAll();
            reading?.Cancel();
        }
    }

    /// <summary>
    /// Stores, for the reader's group, the position of every partition read (the next offset it would yield) in
    /// every topic read, where it changed since the last commit. The group resumes there next time. A pattern
    /// reader ignores a topic deleted since it was read. A reader that joined its group commits as its member: the
    /// broker refuses (<see cref="BrokerException"/> with <see cref="ErrorCode.UnknownMember"/> or
    /// <see cref="ErrorCode.StaleGeneration"/>) a commit for a partition the reader no longer owns, so a reader that
    /// lost its membership cannot overwrite the new owner's positions. Throws <see cref="InvalidOperationException"/>
    /// when the reader has no group.
    /// </summary>
    public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
    {
        _ = _options.Group ?? throw new InvalidOperationException("Only a reader with a group can commit.");
        if (!_started)
            return;
        if (_connection is not { IsConnected: true })
            await ReconnectAsync(new BrokerConnectionException("Not connected."), cancellationToken).ConfigureAwait(false);

        await CommitCursorsAsync(_connection!, _cursors, ignoreFencing: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Leaves the reader's group if it joined one (its partitions go to the other members at once), then
    /// closes the reader's connection. Positions not committed are not stored.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        var connection = _connection;
        _connection = null;
        if (connection is not null)
        {
            await LeaveAsync(connection).ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task<FetchResult> StartFetch(BrokerConnection connection, PartitionCursor cursor, long offset, CancellationToken cancellationToken)
        => _options.Filter is { } filter
            ? connection.FetchFilteredAsync(cursor.Topic, cursor.Partition, offset, filter, _options.MaxBytes, _options.MaxWait, cancellationToken).AsTask()
            : connection.FetchAsync(cursor.Topic, cursor.Partition, offset, _options.MaxBytes, _options.MaxWait, cancellationToken).AsTask();

    private bool IsSkippedAsExpired(int record)
    {
        ref readonly var slot = ref _decoder[record];
        // The clock is read only for a message that carries an expiry time.
        return !_options.IncludeExpired && slot.ExpiresAtMs >= 0 && slot.IsExpiredAt(_time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    /// <summary>Fills the decoder's table from a fetch; <paramref name="next"/> is where the partition's next fetch starts.</summary>
    private bool TryDecode(FetchResult result, long from, out long next, out string? problem)
    {
        if (result.NextOffset is not { } filteredNext)
            return _decoder.TryDecode(result.Batches.Span, from, out next, out problem);
        next = filteredNext;
        return FilteredFetchDecoder.TryDecode(_decoder, result, out problem);
    }

    private static bool IsConnectionLoss(Exception e)
        // A stopping broker answers a waiting fetch ShuttingDown, then closes: the same as a lost connection.
        => e is BrokerConnectionException or TimeoutException or BrokerException { Code: ErrorCode.ShuttingDown };
}
