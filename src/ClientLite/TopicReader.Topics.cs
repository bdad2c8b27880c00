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
        if (_pattern is null)
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

    /// <summary>Reads a topic's metadata and the group's positions and makes one cursor per partition read.</summary>
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
        for (int i = 0; i < partitions.Length; i++)
        {
            long? stored = _options.Group is { } group
                ? await connection.ReadPositionAsync(group, topic, partitions[i], cancellationToken).ConfigureAwait(false)
                : null;
            var range = metadata.Partitions[partitions[i]];
            // The broker reports -1/-1 for a partition it could not open (PROTOCOL.md section 5.6): nothing to read.
            if (range.StartOffset < 0 || range.EndOffset < 0)
                throw new BrokerException(ErrorCode.PartitionUnavailable,
                    $"Partition {partitions[i]} of topic '{topic}' is unavailable: the broker could not open it (see the broker's log).");
            long position = stored ?? start.Kind switch
            {
                StartPositionKind.Latest => range.EndOffset,
                // One offset for all partitions: each partition clamps it to what it holds, rather than failing.
                StartPositionKind.Offset => Math.Clamp(start.Value, range.StartOffset, range.EndOffset),
                _ => range.StartOffset,
            };
            cursors[i] = new PartitionCursor(topic, partitions[i], position, stored ?? -1);
        }
        return cursors;
    }

    /// <summary>The periodic refresh of a pattern reader: topics that appeared since it started are new, so read from their start.</summary>
    private ValueTask RefreshTopicsAsync(BrokerConnection connection, CancellationToken cancellationToken)
        => RefreshTopicsAsync(connection, _options.Start.Kind == StartPositionKind.Latest ? StartPosition.Earliest : _options.Start, cancellationToken);

    /// <summary>Lists the topics; starts reading the matching ones not read yet (from <paramref name="start"/>) and drops the ones gone.</summary>
    private async ValueTask RefreshTopicsAsync(BrokerConnection connection, StartPosition start, CancellationToken cancellationToken)
    {
        var listed = await connection.ListTopicsAsync(cancellationToken).ConfigureAwait(false);
        var matching = new List<string>();
        foreach (var topic in listed)
        {
            if (_pattern!.Matches(topic.Name))
                matching.Add(topic.Name);
        }
        var listedNow = new HashSet<string>(matching, StringComparer.Ordinal);
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
    /// The answer of <paramref name="cursor"/>'s fetch. A pattern reader whose fetch failed checks whether the topic
    /// still exists: if not it stops reading it and returns null; if so the failure stands.
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
        catch (BrokerException e) when (_pattern is not null && !IsConnectionLoss(e))
        {
            // A deleted topic's fetch fails as UnknownTopic, or as PartitionUnavailable when it raced the deletion.
            failure = ExceptionDispatchInfo.Capture(e);
        }
        if (await TopicExistsAsync(connection, cursor.Topic, cancellationToken).ConfigureAwait(false))
            failure.Throw();
        RemoveTopic(cursor.Topic);
        return null;
    }

    private static async ValueTask<bool> TopicExistsAsync(BrokerConnection connection, string topic, CancellationToken cancellationToken)
    {
        try
        {
            await connection.GetTopicMetadataAsync(topic, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (BrokerException e) when (e.Code == ErrorCode.UnknownTopic)
        {
            return false;
        }
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
    }
}
