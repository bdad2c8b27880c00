using System.Runtime.ExceptionServices;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire;

namespace FastBroker.ClientLite;

public sealed partial class TopicReader
{
    /// <summary>
    /// Connects, checks the topic and settles every partition's start position (reading the group's positions);
    /// a pattern reader lists the topics and does this for each one that matches. <see cref="ReadAllAsync"/> does
    /// this itself; calling it first separates "cannot start" (unknown topic, broker unreachable: thrown here, the
    /// first connection is not retried) from waiting for messages. Idempotent; after a lost connection it
    /// reconnects like a read would.
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
        if (_pattern is null && JoinsGroup)
        {
            // No partition until the broker assigns some; opening none still checks the topic and learns its id.
            (_cursors, _topics) = (await OpenTopicAsync(_connection, Topic, _options.Start, [], cancellationToken).ConfigureAwait(false), [Topic]);
            if (!await JoinAsync(_connection, cancellationToken).ConfigureAwait(false))
                _cursors = await OpenTopicAsync(_connection, Topic, _options.Start, null, cancellationToken).ConfigureAwait(false);
        }
        else if (_pattern is null)
        {
            var cursors = await OpenTopicAsync(_connection, Topic, _options.Start, _options.Partitions, cancellationToken).ConfigureAwait(false);
            (_cursors, _topics) = (cursors, [Topic]);
        }
        else
        {
            await RefreshTopicsAsync(_connection, _options.Start, cancellationToken).ConfigureAwait(false);
        }
        _started = true;
    }

    /// <summary>Reads a topic's metadata and the group's positions and makes one cursor per partition read; remembers
    /// the topic's id, which tells this incarnation of the name from one created after a delete.</summary>
    private async ValueTask<PartitionCursor[]> OpenTopicAsync(BrokerConnection connection, string topic, StartPosition start,
        IReadOnlyList<int>? chosen, CancellationToken cancellationToken)
    {
        var metadata = await connection.GetTopicMetadataAsync(topic, cancellationToken).ConfigureAwait(false);
        var partitions = new int[chosen?.Count ?? metadata.PartitionCount];
        for (int i = 0; i < partitions.Length; i++)
        {
            int partition = chosen?[i] ?? i;
            if ((uint)partition >= (uint)metadata.PartitionCount)
                throw new ArgumentOutOfRangeException(nameof(TopicReaderOptions.Partitions), partition, $"Topic '{topic}' has {metadata.PartitionCount} partitions.");
            partitions[i] = partition;
        }

        var cursors = new PartitionCursor[partitions.Length];
        var stored = new long?[partitions.Length];
        for (int i = 0; i < partitions.Length; i++)
        {
            stored[i] = _options.Group is { } group
                ? await connection.ReadPositionAsync(group, topic, partitions[i], cancellationToken).ConfigureAwait(false)
                : null;
        }
        var atTime = start.Kind == StartPositionKind.Time
            ? await OffsetsAtTimeAsync(connection, topic, partitions, stored, start.Value, cancellationToken).ConfigureAwait(false)
            : null;
        for (int i = 0; i < partitions.Length; i++)
        {
            var range = metadata.Partitions[partitions[i]];
            // The broker reports -1/-1 for a partition it could not open (PROTOCOL.md section 5.6): nothing to read.
            if (range.StartOffset < 0 || range.EndOffset < 0)
                throw new BrokerException(ErrorCode.PartitionUnavailable,
                    $"Partition {partitions[i]} of topic '{topic}' is unavailable: the broker could not open it (see the broker's log).");
            long position = stored[i] ?? start.Kind switch
            {
                StartPositionKind.Latest => range.EndOffset,
                // One offset for all partitions: each partition clamps it to what it holds, rather than failing.
                StartPositionKind.Offset => Math.Clamp(start.Value, range.StartOffset, range.EndOffset),
                StartPositionKind.Time => atTime![partitions[i]],
                _ => range.StartOffset,
            };
            cursors[i] = new PartitionCursor(topic, partitions[i], position, stored[i] ?? -1);
        }
        _topicIds[topic] = metadata.TopicId;
        return cursors;
    }

    /// <summary>The offsets at <paramref name="timeMs"/> of the partitions without a stored position, by partition, in one request.</summary>
    private static async ValueTask<Dictionary<int, long>> OffsetsAtTimeAsync(BrokerConnection connection, string topic, int[] partitions, long?[] stored,
        long timeMs, CancellationToken cancellationToken)
    {
        var asked = new List<(int Partition, long Timestamp)>();
        for (int i = 0; i < partitions.Length; i++)
        {
            if (stored[i] is null) asked.Add((partitions[i], timeMs));
        }
        var offsets = new Dictionary<int, long>();
        if (asked.Count == 0) return offsets;
        foreach (var (partition, offset) in await connection.ListOffsetsAsync(topic, asked, cancellationToken).ConfigureAwait(false))
            offsets[partition] = offset;
        return offsets;
    }

    /// <summary>
    /// The periodic check: a pattern reader refreshes its topics; a reader of one topic makes sure the topic it reads
    /// is still the one it opened (and throws if it was deleted, or deleted and created again).
    /// </summary>
    private async ValueTask CheckTopicsAsync(BrokerConnection connection, CancellationToken cancellationToken)
    {
        if (_pattern is not null)
        {
            await RefreshTopicsAsync(connection, cancellationToken).ConfigureAwait(false);
            return;
        }
        var metadata = await connection.GetTopicMetadataAsync(Topic, cancellationToken).ConfigureAwait(false);
        if (IsOtherIncarnation(Topic, metadata.TopicId))
            throw Recreated(Topic, metadata.TopicId);
    }

    /// <summary>True when <paramref name="id"/> names another topic than the one opened under <paramref name="topic"/>.
    /// A broker that predates ids reports none, and then nothing can be told.</summary>
    private bool IsOtherIncarnation(string topic, Guid id)
        => id != Guid.Empty && _topicIds.TryGetValue(topic, out var opened) && opened != Guid.Empty && opened != id;

    private BrokerException Recreated(string topic, Guid id)
        => new(ErrorCode.UnknownTopic,
            $"Topic '{topic}' was deleted and created again while it was read (id {_topicIds[topic]:N}, now {id:N}): the new topic's offsets " +
            "start over, so this reader's positions mean nothing there. Open a new reader to read the new topic.");

    /// <summary>The periodic refresh of a pattern reader: topics that appeared since it started are new, so read from their start.</summary>
    private ValueTask RefreshTopicsAsync(BrokerConnection connection, CancellationToken cancellationToken)
        => RefreshTopicsAsync(connection, LaterStart, cancellationToken);

    /// <summary>Where a pattern reader starts a topic it finds after it started: everything in it is new to the reader.</summary>
    private StartPosition LaterStart => _options.Start.Kind == StartPositionKind.Latest ? StartPosition.Earliest : _options.Start;

    /// <summary>
    /// Lists the topics; starts reading the matching ones not read yet (from <paramref name="start"/>) and drops the
    /// ones gone. A topic listed with another id than the one read was deleted and created again: it is dropped and
    /// read anew, like a topic that appeared.
    /// </summary>
    private async ValueTask RefreshTopicsAsync(BrokerConnection connection, StartPosition start, CancellationToken cancellationToken)
    {
        var listed = await connection.ListTopicsAsync(cancellationToken).ConfigureAwait(false);
        var matching = new List<string>();
        var listedNow = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topic in listed)
        {
            if (!_pattern!.Matches(topic.Name))
                continue;
            matching.Add(topic.Name);
            if (!IsOtherIncarnation(topic.Name, topic.TopicId))
                listedNow.Add(topic.Name);
        }
        foreach (string topic in _topics)
        {
            if (!listedNow.Contains(topic))
                RemoveTopic(topic);
        }
        var reading = new HashSet<string>(_topics, StringComparer.Ordinal);
        foreach (string topic in matching)
        {
            if (reading.Contains(topic))
                continue;
            PartitionCursor[] added;
            try
            {
                added = await OpenTopicAsync(connection, topic, start, null, cancellationToken).ConfigureAwait(false);
            }
            catch (BrokerException e) when (e.Code == ErrorCode.UnknownTopic)
            {
                continue; // deleted between the listing and now
            }
            (_cursors, _topics) = ([.. _cursors, .. added], [.. _topics, topic]);
        }
    }

    /// <summary>
    /// The answer of <paramref name="cursor"/>'s fetch. When a fetch fails the reader checks whether the topic is still
    /// the one it opened. A pattern reader stops reading a deleted topic, reads a re-created one anew, and returns
    /// null for both; a reader of one topic throws <see cref="Recreated"/> for a re-created one. Otherwise the
    /// failure stands.
    /// </summary>
    private async ValueTask<FetchResult?> TakeFetchAsync(BrokerConnection connection, PartitionCursor cursor, CancellationToken cancellationToken)
    {
        var fetch = cursor.Fetch!;
        cursor.Fetch = null;
        ExceptionDispatchInfo failure;
        try
        {
            return await fetch.ConfigureAwait(false);
        }
        // A deleted topic's fetch fails as UnknownTopic, or as PartitionUnavailable when it raced the deletion; a
        // re-created one as UnknownPartition (fewer partitions) or OffsetOutOfRange (its offsets started over).
        catch (BrokerException e) when (!IsConnectionLoss(e) && (_pattern is not null || MayBeRecreated(e.Code)))
        {
            failure = ExceptionDispatchInfo.Capture(e);
        }
        var metadata = await MetadataOrNullAsync(connection, cursor.Topic, cancellationToken).ConfigureAwait(false);
        var id = metadata?.TopicId;
        if (id is { } now && IsOtherIncarnation(cursor.Topic, now))
        {
            if (_pattern is null)
                throw Recreated(cursor.Topic, now);
            await ReopenAsync(connection, cursor.Topic, cancellationToken).ConfigureAwait(false);
            return null;
        }
        // The same topic, and the reader stands below its start: retention deleted what it had not read yet.
        if (metadata is not null && failure.SourceException is BrokerException { Code: ErrorCode.OffsetOutOfRange } outside
            && TrySkipToStart(cursor, outside.LogStartOffset ?? metadata.Partitions[cursor.Partition].StartOffset))
            return null;
        if (id is not null || _pattern is null)
            failure.Throw();
        RemoveTopic(cursor.Topic);
        return null;
    }

    private static bool MayBeRecreated(ErrorCode code)
        => code is ErrorCode.UnknownTopic or ErrorCode.UnknownPartition or ErrorCode.OffsetOutOfRange;

    /// <summary>
    /// Moves a cursor that stands below its partition's start (<paramref name="logStart"/>) to that start, counting what
    /// it skipped; false when it does not stand below it. The position moves too, so a group commits from there.
    /// </summary>
    private bool TrySkipToStart(PartitionCursor cursor, long logStart)
    {
        long from = cursor.FetchOffset;
        if (from >= logStart) return false;
        SkippedMessages += logStart - from;
        cursor.FetchOffset = logStart;
        cursor.Position = logStart;
        MessagesSkipped?.Invoke(new SkippedRange(cursor.Topic, cursor.Partition, from, logStart));
        return true;
    }

    /// <summary>The topic's metadata now (an empty id from a broker without ids), or null when it does not exist.</summary>
    private static async ValueTask<TopicMetadata?> MetadataOrNullAsync(BrokerConnection connection, string topic, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.GetTopicMetadataAsync(topic, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerException e) when (e.Code == ErrorCode.UnknownTopic)
        {
            return null;
        }
    }

    /// <summary>A pattern reader's re-created topic: dropped, then read again from the start used for topics found later.</summary>
    private async ValueTask ReopenAsync(BrokerConnection connection, string topic, CancellationToken cancellationToken)
    {
        RemoveTopic(topic);
        PartitionCursor[] added;
        try
        {
            added = await OpenTopicAsync(connection, topic, LaterStart, null, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerException e) when (e.Code == ErrorCode.UnknownTopic)
        {
            return; // deleted again; the next refresh finds it if it comes back
        }
        (_cursors, _topics) = ([.. _cursors, .. added], [.. _topics, topic]);
    }

    /// <summary>Stops reading <paramref name="topic"/>: its cursors go, and their fetches are abandoned.</summary>
    private void RemoveTopic(string topic)
    {
        var kept = new List<PartitionCursor>(_cursors.Length);
        foreach (var cursor in _cursors)
        {
            if (cursor.Topic == topic)
                Drain(cursor);
            else
                kept.Add(cursor);
        }
        _cursors = [.. kept];
        _topics = Array.FindAll(_topics, t => t != topic);
        _topicIds.Remove(topic);
    }
}
