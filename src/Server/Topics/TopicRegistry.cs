using System.Collections.Concurrent;
using System.Globalization;
using FastBroker.Server.Durability;
using FastBroker.Server.Journal;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Topics;

/// <summary>
/// All topics of the broker, under <c>{data}/topics/{name}/</c> (a <c>topic.meta</c> file and one directory per
/// partition). Lookups are lock-free and allocation-free by UTF-8 name; create and delete are serialised.
/// A temporary topic's meta says so, and opening the registry deletes every one it finds (PROTOCOL.md 5.3).
/// What other folders keep per topic follows each topic's life through the <see cref="ITopicLifecycle"/> given to
/// <see cref="Attach"/>; without one, a registry serves bare logs.
/// </summary>
internal sealed class TopicRegistry : IAsyncDisposable
{
    private const string MetaFileName = "topic.meta";
    private const string TemporaryLine = "temporary=1";
    private const string IdKey = "id=";
    private const string RetentionMsKey = "retention.ms=";
    private const string RetentionBytesKey = "retention.bytes=";
    private const string DedupWindowKey = "dedup.window.ms=";

    private readonly ConcurrentDictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Topic>.AlternateLookup<ReadOnlySpan<char>> _byChars;
    private readonly SemaphoreSlim _adminLock = new(1, 1);
    private readonly string _root;
    private readonly string _trash;
    private readonly JournalOptions _journalOptions;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RetentionDefaults _retentionDefaults;

    // Written once, by Attach, under _adminLock; read under it by create and delete.
    private ITopicLifecycle? _lifecycle;

    private TopicRegistry(string dataDirectory, JournalOptions journalOptions, ILogger logger, TimeProvider time, RetentionDefaults retention)
    {
        _retentionDefaults = retention;
        _root = Path.Combine(dataDirectory, "topics");
        _trash = Path.Combine(dataDirectory, "trash");
        _journalOptions = journalOptions;
        _logger = logger;
        _time = time;
        _byChars = _topics.GetAlternateLookup<ReadOnlySpan<char>>();
        FreeSpace = new FreeSpaceWatermark(dataDirectory, journalOptions.MinFreeDiskBytes, time);
        ProducerIds = Producers.ProducerIdAllocator.Open(dataDirectory);
    }

    /// <summary>Where InitProducer takes new producer ids from (PROTOCOL.md 5.32).</summary>
    public Producers.ProducerIdAllocator ProducerIds { get; }

    /// <summary>The free-space watermark of the data directory, checked before a publish is taken.</summary>
    public FreeSpaceWatermark FreeSpace { get; }

    /// <summary>Temporary topics left over from before this start, deleted by <see cref="Open"/>; their positions
    /// are the position store's to drop.</summary>
    public IReadOnlyList<string> DroppedTemporaryTopics => _droppedTemporary;

    private readonly List<string> _droppedTemporary = [];

    /// <summary>Opens every topic found under the data directory, recovering each partition's journal.</summary>
    public static TopicRegistry Open(string dataDirectory, JournalOptions journalOptions, ILogger logger, TimeProvider time)
        => Open(dataDirectory, journalOptions, logger, time, RetentionDefaults.Unlimited);

    /// <summary>Opens every topic found under the data directory; topics without retention of their own follow
    /// <paramref name="retention"/>.</summary>
    public static TopicRegistry Open(string dataDirectory, JournalOptions journalOptions, ILogger logger, TimeProvider time, RetentionDefaults retention)
    {
        var registry = new TopicRegistry(dataDirectory, journalOptions, logger, time, retention);
        Directory.CreateDirectory(registry._root);
        if (Directory.Exists(registry._trash)) Directory.Delete(registry._trash, recursive: true);
        foreach (string directory in Directory.GetDirectories(registry._root))
            registry.Load(directory);
        return registry;
    }

    private void Load(string directory)
    {
        string name = Path.GetFileName(directory);
        if (!TopicName.IsValid(name))
        {
            TopicsLog.TopicDirectoryIgnored(_logger, directory, "not a valid topic name");
            return;
        }
        string meta = Path.Combine(directory, MetaFileName);
        if (!TryReadMeta(meta, out int partitions, out bool temporary, out Guid id, out long? retentionMs, out long? retentionBytes, out long? dedupWindowMs))
        {
            TopicsLog.TopicDirectoryIgnored(_logger, directory, $"missing or unreadable {MetaFileName}");
            return;
        }
        if (temporary)
        {
            // Its owner's connection ended with the previous run; nothing in it is wanted any more.
            DropLeftoverTemporary(name, directory);
            return;
        }
        if (id == Guid.Empty) id = AssignId(name, meta, partitions, retentionMs, retentionBytes, dedupWindowMs);
        var opened = new Partition[partitions];
        OpenPartitions(name, directory, opened, dedupWindowMs);
        var topic = new Topic(name, directory, opened, id) { OwnRetentionMs = retentionMs, OwnRetentionBytes = retentionBytes, OwnDedupWindowMs = dedupWindowMs };
        ApplyRetention(topic);
        _topics[name] = topic;
        TopicsLog.TopicLoaded(_logger, name, partitions);
    }

    // A topic created by a broker that predates ids gets one now, written to its meta before it is served, so that
    // clients see the same id after every later restart.
    private Guid AssignId(string name, string meta, int partitions, long? retentionMs, long? retentionBytes, long? dedupWindowMs)
    {
        var id = Guid.NewGuid();
        try
        {
            WriteMeta(meta, partitions, temporary: false, id, retentionMs, retentionBytes, dedupWindowMs);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Still served: the id holds until the broker stops, and the next start tries to store another one.
            TopicsLog.IdNotStored(_logger, name, ex);
        }
        return id;
    }

    // Fills the array in order, so that after a failure the partitions opened so far can be closed again.
    // The window is known before a partition opens, so that it reads back the ids within it (PROTOCOL.md 6.8).
    private void OpenPartitions(string name, string directory, Partition[] partitions, long? ownDedupWindowMs)
    {
        long window = ownDedupWindowMs ?? (long)_journalOptions.DedupWindow.TotalMilliseconds;
        for (int i = 0; i < partitions.Length; i++)
            partitions[i] = Partition.Open(name, i, Path.Combine(directory, i.ToString(CultureInfo.InvariantCulture)), _journalOptions, _logger, _time, window);
    }

    /// <summary>
    /// Makes <paramref name="lifecycle"/> follow every topic: <see cref="ITopicLifecycle.Opened"/> now for each topic
    /// served (all of them loaded, so one topic's attachments find every other topic), then at each create; closing
    /// at each delete and at dispose. Once per registry; under the admin lock, so no create or delete slips between.
    /// </summary>
    public void Attach(ITopicLifecycle lifecycle)
    {
        _adminLock.Wait();
        try
        {
            if (_lifecycle is not null) throw new InvalidOperationException("the topic registry has its lifecycle already");
            // Set first: if one topic's Opened throws, dispose still closes the topics opened before it.
            _lifecycle = lifecycle;
            foreach (var topic in _topics.Values) lifecycle.Opened(topic);
        }
        finally
        {
            _adminLock.Release();
        }
    }

    /// <summary>Finds a topic by its UTF-8 name without allocating.</summary>
    public bool TryGet(ReadOnlySpan<byte> utf8Name, out Topic topic)
    {
        topic = null!;
        Span<char> chars = stackalloc char[Protocol.MaxTopicNameBytes];
        return TopicName.TryWiden(utf8Name, chars) && _byChars.TryGetValue(chars[..utf8Name.Length], out topic!);
    }

    public bool TryGet(string name, out Topic topic) => _topics.TryGetValue(name, out topic!);

    /// <summary>True for a topic that is served, or that has its files but did not load (an operator may still
    /// repair it); false for a deleted one, whose positions must go (PROTOCOL.md 5.4).</summary>
    public bool HoldsTopic(string name)
        => _topics.ContainsKey(name) || (TopicName.IsValid(name) && File.Exists(Path.Combine(_root, name, MetaFileName)));

    /// <summary>Topics, their partition counts and ids, ordered by name.</summary>
    public List<(string Name, int Partitions, Guid Id)> List()
    {
        var list = new List<(string, int, Guid)>(_topics.Count);
        foreach (var (name, topic) in _topics)
            list.Add((name, topic.Partitions.Length, topic.Id));
        list.Sort(static (a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return list;
    }

    public ValueTask<(ErrorCode Code, string Message, Topic? Topic)> CreateAsync(string name, int partitions, bool existingIsOk = false,
        CancellationToken cancellationToken = default)
        => CreateAsync(name, partitions, TopicFlags.None, existingIsOk, cancellationToken);

    /// <summary>Creates a topic with CreateTopic's flags (PROTOCOL.md 5.3); reserved bits get InvalidArgument.</summary>
    public ValueTask<(ErrorCode Code, string Message, Topic? Topic)> CreateAsync(string name, int partitions, TopicFlags flags,
        bool existingIsOk = false, CancellationToken cancellationToken = default)
        => CreateAsync(name, partitions, flags, TopicRetention.BrokerDefault, TopicRetention.BrokerDefault, existingIsOk, cancellationToken);

    /// <summary>
    /// Creates a topic with CreateTopic's flags and retention (PROTOCOL.md 5.3): each retention value a limit,
    /// <see cref="TopicRetention.Unlimited"/> or <see cref="TopicRetention.BrokerDefault"/>; anything else, and
    /// reserved flag bits, get InvalidArgument.
    /// </summary>
    public ValueTask<(ErrorCode Code, string Message, Topic? Topic)> CreateAsync(string name, int partitions, TopicFlags flags,
        long retentionMs, long retentionBytes, bool existingIsOk = false, CancellationToken cancellationToken = default)
        => CreateAsync(name, partitions, flags, retentionMs, retentionBytes, TopicRetention.BrokerDefault, existingIsOk, cancellationToken);

    /// <summary>As the other overload, with a deduplication window (PROTOCOL.md 6.8): ms, 0 (off) or
    /// <see cref="TopicRetention.BrokerDefault"/>; anything else gets InvalidArgument.</summary>
    public async ValueTask<(ErrorCode Code, string Message, Topic? Topic)> CreateAsync(string name, int partitions, TopicFlags flags,
        long retentionMs, long retentionBytes, long dedupWindowMs, bool existingIsOk = false, CancellationToken cancellationToken = default)
    {
        if (!TopicName.IsValid(name))
            return (ErrorCode.InvalidTopicName, $"invalid topic name '{name}': use 1-{Protocol.MaxTopicNameBytes} characters of [A-Za-z0-9._-]", null);
        if (partitions < 1 || partitions > Protocol.MaxPartitions)
            return (ErrorCode.InvalidArgument, $"partition count {partitions} is outside 1..{Protocol.MaxPartitions}", null);
        if ((flags & ~TopicFlags.Temporary) != 0)
            return (ErrorCode.InvalidArgument, $"topic flags 0x{(byte)flags:X2} set reserved bits; only bit 0 (temporary) is defined", null);
        if (RetentionProblem(retentionMs, retentionBytes, TopicRetention.BrokerDefault) is { } problem)
            return (ErrorCode.InvalidArgument, problem, null);
        if (DedupWindowProblem(dedupWindowMs, TopicRetention.BrokerDefault) is { } windowProblem)
            return (ErrorCode.InvalidArgument, windowProblem, null);

        await _adminLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_topics.TryGetValue(name, out var existing))
                return existingIsOk ? (ErrorCode.None, "", existing) : (ErrorCode.TopicExists, $"topic '{name}' already exists", null);

            return await CreateLockedAsync(name, partitions, (flags & TopicFlags.Temporary) != 0, Own(retentionMs), Own(retentionBytes), Own(dedupWindowMs))
                .ConfigureAwait(false);
        }
        finally
        {
            _adminLock.Release();
        }
    }

    /// <summary>
    /// Deletes the topic <paramref name="name"/>; with <paramref name="only"/>, only when that very topic still holds
    /// the name (a temporary topic's owner must not delete a newer topic that took the name after it was deleted).
    /// </summary>
    public async ValueTask<(ErrorCode Code, string Message)> DeleteAsync(string name, Topic? only = null)
    {
        await _adminLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (only is not null && (!_topics.TryGetValue(name, out var current) || current != only))
                return (ErrorCode.UnknownTopic, $"topic '{name}' was deleted before");
            if (!_topics.TryRemove(name, out var topic))
                return (ErrorCode.UnknownTopic, $"unknown topic '{name}'");
            topic.Deleted = true;
            if (_lifecycle is { } lifecycle) await lifecycle.ClosingAsync(topic).ConfigureAwait(false);
            foreach (var partition in topic.Partitions)
                await partition.DisposeAsync().ConfigureAwait(false);

            return RemoveFiles(topic);
        }
        finally
        {
            _adminLock.Release();
        }
    }

    /// <summary>
    /// Changes a topic's retention (PROTOCOL.md 5.23): each value a limit, <see cref="TopicRetention.Unlimited"/>,
    /// <see cref="TopicRetention.BrokerDefault"/> (follow the broker's default again) or
    /// <see cref="TopicRetention.Unchanged"/>. Durable before it returns: the new topic.meta is synced in place of the
    /// old one; only then do the partitions enforce it.
    /// </summary>
    public ValueTask<(ErrorCode Code, string Message)> AlterAsync(string name, long retentionMs, long retentionBytes,
        CancellationToken cancellationToken = default)
        => AlterAsync(name, retentionMs, retentionBytes, TopicRetention.Unchanged, cancellationToken);

    /// <summary>As the other overload, also changing the deduplication window (PROTOCOL.md 5.23, 6.8): ms, 0 (off),
    /// <see cref="TopicRetention.BrokerDefault"/> or <see cref="TopicRetention.Unchanged"/>.</summary>
    public async ValueTask<(ErrorCode Code, string Message)> AlterAsync(string name, long retentionMs, long retentionBytes, long dedupWindowMs,
        CancellationToken cancellationToken = default)
    {
        if (!TopicName.IsValid(name))
            return (ErrorCode.InvalidTopicName, $"invalid topic name '{name}': use 1-{Protocol.MaxTopicNameBytes} characters of [A-Za-z0-9._-]");
        await _adminLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_topics.TryGetValue(name, out var topic))
                return (ErrorCode.UnknownTopic, $"unknown topic '{name}'");
            if (RetentionProblem(retentionMs, retentionBytes, TopicRetention.Unchanged) is { } problem)
                return (ErrorCode.InvalidArgument, problem);
            if (DedupWindowProblem(dedupWindowMs, TopicRetention.Unchanged) is { } windowProblem)
                return (ErrorCode.InvalidArgument, windowProblem);
            long? ms = retentionMs == TopicRetention.Unchanged ? topic.OwnRetentionMs : Own(retentionMs);
            long? bytes = retentionBytes == TopicRetention.Unchanged ? topic.OwnRetentionBytes : Own(retentionBytes);
            long? window = dedupWindowMs == TopicRetention.Unchanged ? topic.OwnDedupWindowMs : Own(dedupWindowMs);
            try
            {
                WriteMeta(Path.Combine(topic.Directory, MetaFileName), topic.Partitions.Length, topic.Temporary, topic.Id, ms, bytes, window);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                TopicsLog.AlterFailed(_logger, name, ex);
                return (ErrorCode.StorageError, $"could not change topic '{name}': {ex.Message.TrimEnd('.')}; its retention is unchanged");
            }
            topic.OwnRetentionMs = ms;
            topic.OwnRetentionBytes = bytes;
            topic.OwnDedupWindowMs = window;
            ApplyRetention(topic);
            ApplyDedupWindow(topic);
            var (effectiveMs, effectiveBytes, _) = EffectiveRetention(topic);
            TopicsLog.RetentionChanged(_logger, name, effectiveMs, effectiveBytes);
            return (ErrorCode.None, "");
        }
        finally
        {
            _adminLock.Release();
        }
    }

    /// <summary>The retention <paramref name="topic"/> is under: its own values where it has them, else the broker's
    /// defaults (0 = unlimited), and which are its own.</summary>
    public (long Ms, long Bytes, RetentionSource Source) EffectiveRetention(Topic topic)
    {
        long? ms = topic.OwnRetentionMs, bytes = topic.OwnRetentionBytes;
        var source = (ms is null ? RetentionSource.BrokerDefaults : RetentionSource.TopicAge)
            | (bytes is null ? RetentionSource.BrokerDefaults : RetentionSource.TopicBytes);
        return (ms ?? _retentionDefaults.MaxAgeMs, bytes ?? _retentionDefaults.MaxBytes, source);
    }

    /// <summary>The deduplication window <paramref name="topic"/> is under (PROTOCOL.md 6.8), in ms (0 = off), and
    /// whether it is the topic's own rather than the broker's default.</summary>
    public (long Ms, bool Own) EffectiveDedupWindow(Topic topic)
        => (topic.OwnDedupWindowMs ?? (long)_journalOptions.DedupWindow.TotalMilliseconds, topic.OwnDedupWindowMs is not null);

    private void ApplyDedupWindow(Topic topic)
    {
        long window = EffectiveDedupWindow(topic).Ms;
        foreach (var partition in topic.Partitions)
            partition.DedupWindowMs = window;
    }

    // A window is 0 (off) or positive; lowest is BrokerDefault for a create and Unchanged for an alter.
    private static string? DedupWindowProblem(long dedupWindowMs, long lowest)
        => dedupWindowMs < lowest
            ? $"dedup window {dedupWindowMs} ms is not valid: use a positive window, 0 (off) or {RetentionWords(lowest)}"
            : null;

    private void ApplyRetention(Topic topic)
    {
        var (ms, bytes, _) = EffectiveRetention(topic);
        foreach (var partition in topic.Partitions)
            partition.SetRetention(ms, bytes);
    }

    // A limit is positive; 0 is unlimited; BrokerDefault follows the broker; lowest is BrokerDefault for a create and
    // Unchanged for an alter.
    private static string? RetentionProblem(long retentionMs, long retentionBytes, long lowest)
    {
        if (retentionMs < lowest) return $"retention {retentionMs} ms is not valid: use a positive limit, 0 (unlimited) or {RetentionWords(lowest)}";
        if (retentionBytes < lowest) return $"retention {retentionBytes} bytes is not valid: use a positive limit, 0 (unlimited) or {RetentionWords(lowest)}";
        return null;
    }

    private static string RetentionWords(long lowest)
        => lowest == TopicRetention.Unchanged ? "-1 (the broker's default) or -2 (unchanged)" : "-1 (the broker's default)";

    private static long? Own(long value) => value == TopicRetention.BrokerDefault ? null : value;

    // Storage errors are answered here, where they happen (a descriptor limit, a full disk), as StorageError with the
    // reason; a failed create leaves no partition open and no directory behind.
    private async ValueTask<(ErrorCode Code, string Message, Topic? Topic)> CreateLockedAsync(string name, int partitions, bool temporary,
        long? retentionMs, long? retentionBytes, long? dedupWindowMs)
    {
        string directory = Path.Combine(_root, name);
        string meta = Path.Combine(directory, MetaFileName);
        var opened = new Partition[partitions];
        try
        {
            if (Directory.Exists(directory))
            {
                // Without topic.meta it is what a failed create left (nothing in it was ever acknowledged); with one,
                // it is a topic that did not load, and only an operator may decide to drop it.
                if (File.Exists(meta))
                    return (ErrorCode.StorageError, $"could not create topic '{name}': '{directory}' holds a topic that did not load at start (see the log); move it away first", null);
                Directory.Delete(directory, recursive: true);
            }
            Directory.CreateDirectory(directory);
            OpenPartitions(name, directory, opened, dedupWindowMs);
            var topic = new Topic(name, directory, opened, Guid.NewGuid())
            {
                Temporary = temporary, OwnRetentionMs = retentionMs, OwnRetentionBytes = retentionBytes, OwnDedupWindowMs = dedupWindowMs,
            };
            // The flag is durable with the topic, so a crash before its owner closes still ends in its deletion.
            WriteMeta(meta, partitions, temporary, topic.Id, retentionMs, retentionBytes, dedupWindowMs);
            ApplyRetention(topic);
            // Answered means durable (PROTOCOL.md 5.3): WriteMeta synced the meta file's rename; now the topic's
            // entry in topics/.
            SyncDirectory(_root);
            // Last before the topic can be looked up, so nobody finds it without its attachments (a new topic's
            // directory holds nothing of theirs to load yet).
            _lifecycle?.Opened(topic);
            _topics[name] = topic;
            if (temporary) TopicsLog.TemporaryTopicCreated(_logger, name, partitions);
            else TopicsLog.TopicCreated(_logger, name, partitions);
            return (ErrorCode.None, "", topic);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            foreach (var partition in opened)
                if (partition is not null) await partition.DisposeAsync().ConfigureAwait(false);
            string left = Durability.DirectoryRemoval.TryDelete(directory, out string? problem) ? "nothing was kept" : $"removing '{directory}' failed too ({problem}); it is ignored at the next start";
            TopicsLog.CreateFailed(_logger, name, ex);
            return (ErrorCode.StorageError, $"could not create topic '{name}': {ex.Message.TrimEnd('.')}; {left}", null);
        }
    }

    // The topic is gone once its topic.meta is (or its directory is in the trash): leftovers are ignored at the next
    // start. Only when that step fails does the delete answer StorageError, because the topic would come back.
    private (ErrorCode Code, string Message) RemoveFiles(Topic topic)
    {
        // Move out of the way first so a topic of the same name can be created at once; delete after.
        string doomed;
        try
        {
            Directory.CreateDirectory(_trash);
            doomed = Path.Combine(_trash, $"{topic.Name}.{Guid.NewGuid():N}");
            Directory.Move(topic.Directory, doomed);
            SyncDirectory(_root); // answered means gone after a crash too (PROTOCOL.md 5.4)
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full disk may refuse the trash directory; deleting in place frees space all the same.
            try
            {
                File.Delete(Path.Combine(topic.Directory, MetaFileName));
            }
            catch (Exception metaEx) when (metaEx is IOException or UnauthorizedAccessException)
            {
                TopicsLog.DeleteFailed(_logger, topic.Name, metaEx);
                return (ErrorCode.StorageError,
                    $"topic '{topic.Name}' is closed, but its files could not be removed ({ex.Message}; {metaEx.Message}); it comes back at the next start unless '{topic.Directory}' is removed");
            }
            doomed = topic.Directory;
        }
        if (!Durability.DirectoryRemoval.TryDelete(doomed, out string? problem))
            TopicsLog.LeftoverNotDeleted(_logger, topic.Name, doomed, problem!);
        TopicsLog.TopicDeleted(_logger, topic.Name);
        return (ErrorCode.None, "");
    }

    // Lines of key=value, replaced durably (the topic directory synced too). Readers skip keys they do not know, so
    // a broker that predates "temporary" loads such a topic as an ordinary one, one that predates "id" serves it
    // without an id, and one that predates retention keeps everything. A retention key is written only for a value
    // of the topic's own; without it the topic follows the broker's default. The same for the dedup window (a broker
    // that predates it ignores the key: its topics have no deduplication).
    private static void WriteMeta(string path, int partitions, bool temporary, Guid id, long? retentionMs, long? retentionBytes, long? dedupWindowMs)
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"partitions={partitions}\n{IdKey}{id:N}\n");
        if (temporary) text.Append(TemporaryLine).Append('\n');
        if (retentionMs is { } ms) text.Append(CultureInfo.InvariantCulture, $"{RetentionMsKey}{ms}\n");
        if (retentionBytes is { } bytes) text.Append(CultureInfo.InvariantCulture, $"{RetentionBytesKey}{bytes}\n");
        if (dedupWindowMs is { } window) text.Append(CultureInfo.InvariantCulture, $"{DedupWindowKey}{window}\n");
        DurableFile.Replace(path, System.Text.Encoding.ASCII.GetBytes(text.ToString()));
    }

    private static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsLinux()) LibC.SyncDirectory(directory);
    }

    // An id line that does not parse counts as no id: the topic gets a new one rather than not loading.
    private static bool TryReadMeta(string path, out int partitions, out bool temporary, out Guid id, out long? retentionMs, out long? retentionBytes,
        out long? dedupWindowMs)
    {
        partitions = 0;
        temporary = false;
        id = Guid.Empty;
        retentionMs = retentionBytes = dedupWindowMs = null;
        if (!File.Exists(path)) return false;
        bool found = false;
        foreach (string line in File.ReadAllLines(path))
        {
            if (line == TemporaryLine)
                temporary = true;
            else if (line.StartsWith(IdKey, StringComparison.Ordinal) && Guid.TryParseExact(line.AsSpan(IdKey.Length), "N", out var parsed))
                id = parsed;
            else if (TryReadRetention(line, RetentionMsKey, out long ms))
                retentionMs = ms;
            else if (TryReadRetention(line, RetentionBytesKey, out long bytes))
                retentionBytes = bytes;
            else if (TryReadRetention(line, DedupWindowKey, out long window))
                dedupWindowMs = window;
            else if (!found && line.StartsWith("partitions=", StringComparison.Ordinal)
                     && int.TryParse(line.AsSpan("partitions=".Length), NumberStyles.None, CultureInfo.InvariantCulture, out partitions))
                found = true;
        }
        return found && partitions is >= 1 and <= Protocol.MaxPartitions;
    }

    // A retention line that does not parse counts as none: the topic follows the broker's default rather than not loading.
    private static bool TryReadRetention(string line, string key, out long value)
    {
        value = 0;
        return line.StartsWith(key, StringComparison.Ordinal)
            && long.TryParse(line.AsSpan(key.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    // Same order as a delete: the meta file first (after that the directory is only ignored leftovers), then the rest.
    private void DropLeftoverTemporary(string name, string directory)
    {
        try
        {
            File.Delete(Path.Combine(directory, MetaFileName));
            SyncDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TopicsLog.TemporaryNotDropped(_logger, name, ex);
            return;
        }
        _droppedTemporary.Add(name);
        if (!Durability.DirectoryRemoval.TryDelete(directory, out string? problem))
            TopicsLog.LeftoverNotDeleted(_logger, name, directory, problem!);
        TopicsLog.TemporaryTopicDropped(_logger, name);
    }

    /// <summary>Closes every topic's attachments, then stops every partition: queued appends are written and synced
    /// first.</summary>
    public async ValueTask DisposeAsync()
    {
        // Attachments first: until they close they may append to partitions (a dead-letter move).
        if (_lifecycle is { } lifecycle)
            foreach (var topic in _topics.Values)
                await lifecycle.ClosingAsync(topic).ConfigureAwait(false);
        foreach (var topic in _topics.Values)
            foreach (var partition in topic.Partitions)
                await partition.DisposeAsync().ConfigureAwait(false);
        _topics.Clear();
    }
}
