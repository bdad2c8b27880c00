using System.Collections.Concurrent;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Subscriptions;

/// <summary>
/// The shared subscriptions of one topic, under <c>{topic}/subscriptions/{name}/</c>. Lookups by UTF-8 name are
/// lock-free; create and delete are serialised. Made whole by <see cref="Open"/>; the
/// <see cref="SubscriptionRegistry"/> holds one per served topic.
/// </summary>
internal sealed class SubscriptionSet : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SharedSubscription> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SharedSubscription>.AlternateLookup<ReadOnlySpan<char>> _byChars;
    private readonly SemaphoreSlim _adminLock = new(1, 1);
    private readonly string _root;
    private readonly Topic _topic;
    private readonly SubscriptionContext _context;
    private readonly FilterScanner _scanner;
    // 1 once the set closes (its topic is deleted or the broker stops); see CreateAsync.
    private int _closed;

    private SubscriptionSet(Topic topic, SubscriptionContext context)
    {
        _topic = topic;
        _context = context;
        _scanner = new FilterScanner(topic);
        _root = Path.Combine(topic.Directory, "subscriptions");
        _byChars = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public Topic Topic => _topic;
    public SubscriptionContext Context => _context;

    /// <summary>The topic's one filter pass, shared by its filtered subscriptions.</summary>
    public FilterScanner Scanner => _scanner;

    public int Count => _byName.Count;

    /// <summary>The set of <paramref name="topic"/> with every subscription stored for it open.</summary>
    public static SubscriptionSet Open(Topic topic, SubscriptionContext context)
    {
        var set = new SubscriptionSet(topic, context);
        if (!Directory.Exists(set._root)) return set;
        foreach (string directory in Directory.GetDirectories(set._root))
        {
            string name = Path.GetFileName(directory);
            if (!TopicName.IsValid(name) || !SubscriptionFile.TryRead(directory, out var settings))
            {
                SubscriptionsLog.SubscriptionIgnored(context.Logger, directory, "not a valid subscription name or settings file");
                continue;
            }
            set._byName[name] = SharedSubscription.Open(set, name, directory, settings, create: false);
        }
        return set;
    }

    public bool TryGet(ReadOnlySpan<byte> utf8Name, out SharedSubscription subscription)
    {
        subscription = null!;
        Span<char> chars = stackalloc char[Protocol.MaxTopicNameBytes];
        return TopicName.TryWiden(utf8Name, chars) && _byChars.TryGetValue(chars[..utf8Name.Length], out subscription!);
    }

    public async ValueTask<(ErrorCode Code, string Message)> CreateAsync(string name, SubscriptionSettings settings,
        SubscriptionStart start = default)
    {
        if (!TopicName.IsValid(name))
            return (ErrorCode.InvalidTopicName, $"invalid subscription name '{name}': use 1-{Protocol.MaxTopicNameBytes} characters of [A-Za-z0-9._-]");
        if (settings.DeadLetterTopic.Length == 0)
            settings = settings with { DeadLetterTopic = SubscriptionSettings.DefaultDeadLetterTopic(_topic.Name, name) };
        if (!TopicName.IsValid(settings.DeadLetterTopic))
            return (ErrorCode.InvalidTopicName, $"invalid dead-letter topic name '{settings.DeadLetterTopic}'");
        if (settings.DeadLetterTopic == _topic.Name)
            return (ErrorCode.InvalidArgument, "the dead-letter topic must not be the subscription's own topic");
        if (settings.Validate() is { } problem) return (ErrorCode.InvalidArgument, problem);

        await _adminLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_topic.Deleted || Volatile.Read(ref _closed) != 0) return (ErrorCode.UnknownTopic, $"unknown topic '{_topic.Name}'");
            if (_byName.ContainsKey(name)) return (ErrorCode.SubscriptionExists, $"subscription '{name}' already exists on topic '{_topic.Name}'");
            string directory = Path.Combine(_root, name);
            try
            {
                if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
                _byName[name] = SharedSubscription.Open(this, name, directory, settings, create: true, start);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Journal.JournalCorruptedException)
            {
                // Answered here, where it happened (descriptor limit, full disk); nothing half-made stays behind.
                string left = Durability.DirectoryRemoval.TryDelete(directory, out string? leftover) ? "nothing was kept" : $"removing '{directory}' failed too ({leftover})";
                SubscriptionsLog.SubscriptionCreateFailed(_context.Logger, _topic.Name, name, ex);
                return (ErrorCode.StorageError, $"could not create subscription '{name}' on topic '{_topic.Name}': {ex.Message.TrimEnd('.')}; {left}");
            }
            // The set may have closed while the subscription was being made (the topic's delete does not wait for
            // this lock). Closing marks the set before it looks at its members, so either the close saw this one
            // and disposes it, or this sees the mark and disposes it here.
            if (Volatile.Read(ref _closed) != 0)
            {
                if (_byName.TryRemove(name, out var orphan)) await orphan.DisposeAsync().ConfigureAwait(false);
                return (ErrorCode.UnknownTopic, $"unknown topic '{_topic.Name}'");
            }
            SubscriptionsLog.SubscriptionCreated(_context.Logger, _topic.Name, name);
            return (ErrorCode.None, "");
        }
        finally
        {
            _adminLock.Release();
        }
    }

    /// <summary>Moves subscription <paramref name="name"/> to <paramref name="start"/> (ResetSubscription); resets,
    /// creates and deletes of the topic's subscriptions are serialised.</summary>
    public async ValueTask<(ErrorCode Code, string Message, PartitionReset[] Partitions)> ResetAsync(string name, SubscriptionStart start)
    {
        await _adminLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_byName.TryGetValue(name, out var subscription) || Volatile.Read(ref _closed) != 0)
                return (ErrorCode.UnknownSubscription, $"unknown subscription '{name}' on topic '{_topic.Name}'", []);
            return await subscription.ResetAsync(start).ConfigureAwait(false);
        }
        finally
        {
            _adminLock.Release();
        }
    }

    public async ValueTask<(ErrorCode Code, string Message)> DeleteAsync(string name)
    {
        await _adminLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_byName.TryRemove(name, out var subscription))
                return (ErrorCode.UnknownSubscription, $"unknown subscription '{name}' on topic '{_topic.Name}'");
            await subscription.DisposeAsync().ConfigureAwait(false);
            // Without its settings file the directory is ignored at the next start, so the delete holds once that is gone.
            try
            {
                File.Delete(Path.Combine(subscription.Directory, SubscriptionFile.Name));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return (ErrorCode.StorageError,
                    $"subscription '{name}' on topic '{_topic.Name}' is closed, but its files could not be removed ({ex.Message}); it comes back at the next start unless '{subscription.Directory}' is removed");
            }
            Durability.DirectoryRemoval.TryDelete(subscription.Directory, out _);
            SubscriptionsLog.SubscriptionDeleted(_context.Logger, _topic.Name, name);
            return (ErrorCode.None, "");
        }
        finally
        {
            _adminLock.Release();
        }
    }

    /// <summary>Asks each partition to drop journal segments below the lowest durable ack floor of all subscriptions.</summary>
    public void TrimAckedSegments()
    {
        if (_byName.IsEmpty || _topic.Deleted) return;
        for (int p = 0; p < _topic.Partitions.Length; p++)
        {
            long floor = long.MaxValue;
            foreach (var subscription in _byName.Values) floor = Math.Min(floor, subscription.DurableFloor(p));
            if (floor != long.MaxValue && floor > 0) _topic.Partitions[p].RequestTrim(floor);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _closed, 1);
        foreach (var subscription in _byName.Values) await subscription.DisposeAsync().ConfigureAwait(false);
        _byName.Clear();
    }
}
