using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.ClientLite;

public sealed partial class BrokerConnection
{
    /// <summary>
    /// Creates a topic with the retention in <paramref name="options"/> (null, or a null value in it: the broker's
    /// default). Fails with <see cref="ErrorCode.TopicExists"/> when it exists.
    /// </summary>
    public ValueTask CreateTopicAsync(string name, int partitions, TopicOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        long ms = options?.WireRetentionMs(TopicRetention.BrokerDefault) ?? TopicRetention.BrokerDefault;
        long bytes = options?.WireRetentionBytes(TopicRetention.BrokerDefault) ?? TopicRetention.BrokerDefault;
        long window = options?.WireDedupWindowMs(TopicRetention.BrokerDefault) ?? TopicRetention.BrokerDefault;
        Span<byte> topic = EncodeName(name, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(name));
        var pending = BeginRequest(Opcode.CreateTopic, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try
            {
                // Without retention the request is the one brokers that predate the fields understand.
                if (window != TopicRetention.BrokerDefault)
                    FrameWriter.WriteCreateTopic(_writeBuffer, pending.Id, topic, partitions, TopicFlags.None, ms, bytes, window);
                else if (ms == TopicRetention.BrokerDefault && bytes == TopicRetention.BrokerDefault)
                    FrameWriter.WriteCreateTopic(_writeBuffer, pending.Id, topic, partitions);
                else
                    FrameWriter.WriteCreateTopic(_writeBuffer, pending.Id, topic, partitions, TopicFlags.None, ms, bytes);
            }
            finally { EndWrite(); }
        }
        return CompleteEmptyAsync(pending);
    }

    /// <summary>
    /// Changes a topic's retention: each value of <paramref name="options"/> that is set replaces the topic's, null
    /// leaves it as it is, and <see cref="TopicOptions.ResetRetention"/> / <see cref="TopicOptions.ResetRetentionBytes"/>
    /// make the topic follow the broker's default again. Durable when this completes; the partitions apply it from then
    /// on. Fails with <see cref="ErrorCode.UnknownTopic"/> when there is no such topic.
    /// </summary>
    public ValueTask AlterTopicAsync(string name, TopicOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        long ms = options.WireRetentionMs(TopicRetention.Unchanged);
        long bytes = options.WireRetentionBytes(TopicRetention.Unchanged);
        long window = options.WireDedupWindowMs(TopicRetention.Unchanged);
        Span<byte> topic = EncodeName(name, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(name));
        var pending = BeginRequest(Opcode.AlterTopic, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            // Without a window the request is the one brokers that predate it understand.
            try
            {
                if (window == TopicRetention.Unchanged) FrameWriter.WriteAlterTopic(_writeBuffer, pending.Id, topic, ms, bytes);
                else FrameWriter.WriteAlterTopic(_writeBuffer, pending.Id, topic, ms, bytes, window);
            }
            finally { EndWrite(); }
        }
        return CompleteEmptyAsync(pending);
    }

    /// <summary>
    /// As <see cref="GetTopicMetadataAsync(string, CancellationToken)"/>; with <paramref name="includeRetention"/>, the
    /// answer also carries the topic's effective retention (<see cref="TopicMetadata.Retention"/>). A broker that
    /// predates retention refuses that with <see cref="ErrorCode.InvalidArgument"/>.
    /// </summary>
    public ValueTask<TopicMetadata> GetTopicMetadataAsync(string name, bool includeRetention, CancellationToken cancellationToken = default)
        => GetTopicMetadataAsync(name, includeRetention, includeDedupWindow: false, cancellationToken);

    /// <summary>
    /// As <see cref="GetTopicMetadataAsync(string, bool, CancellationToken)"/>; with <paramref name="includeDedupWindow"/>,
    /// the answer also carries the topic's effective deduplication window (<see cref="TopicMetadata.DedupWindow"/>,
    /// PROTOCOL.md 6.8). A broker that predates it refuses that with <see cref="ErrorCode.InvalidArgument"/>.
    /// </summary>
    public ValueTask<TopicMetadata> GetTopicMetadataAsync(string name, bool includeRetention, bool includeDedupWindow, CancellationToken cancellationToken = default)
    {
        Span<byte> topic = EncodeName(name, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(name));
        var flags = TopicQueryFlags.WithTopicIds | (includeRetention ? TopicQueryFlags.WithRetention : TopicQueryFlags.None)
            | (includeDedupWindow ? TopicQueryFlags.WithDedupWindow : TopicQueryFlags.None);
        var pending = BeginRequest(Opcode.TopicMetadata, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteTopicMetadata(_writeBuffer, pending.Id, topic, flags); }
            finally { EndWrite(); }
        }
        return CompleteMetadataAsync(pending, name, includeRetention, includeDedupWindow);
    }

    /// <summary>
    /// For every partition of <paramref name="topic"/> (index = partition), the offset of its first record stamped at or
    /// after <paramref name="time"/> (timestamps taken as their running maximum, so a clock that stepped back does not
    /// hide later records); the partition's end when it has none yet. A time before the oldest stored record gives the
    /// partition's start.
    /// </summary>
    public async ValueTask<IReadOnlyList<long>> GetOffsetsForTimeAsync(string topic, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        var metadata = await GetTopicMetadataAsync(topic, cancellationToken).ConfigureAwait(false);
        var entries = new (int Partition, long Timestamp)[metadata.PartitionCount];
        long ms = Math.Max(0, time.ToUnixTimeMilliseconds());
        for (int i = 0; i < entries.Length; i++) entries[i] = (i, ms);
        var found = await ListOffsetsAsync(topic, entries, cancellationToken).ConfigureAwait(false);
        var offsets = new long[entries.Length];
        foreach (var (partition, offset) in found) offsets[partition] = offset;
        return offsets;
    }

    /// <summary>
    /// The ListOffsets request (PROTOCOL.md 5.24): for each (partition, timestamp) — a time in ms since the Unix epoch,
    /// <see cref="ListOffsetsRequest.Latest"/> (the log end) or <see cref="ListOffsetsRequest.Earliest"/> (the log
    /// start) — the offset found, in the same order.
    /// </summary>
    public async ValueTask<IReadOnlyList<(int Partition, long Offset)>> ListOffsetsAsync(string topic, IReadOnlyList<(int Partition, long Timestamp)> entries,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfLessThan(entries.Count, 1, nameof(entries));
        var copy = new (int Partition, long Timestamp)[entries.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(entries[i].Partition, nameof(entries));
            copy[i] = entries[i];
        }
        var pending = StartListOffsets(topic, copy, cancellationToken);
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            return ReadPartitionOffsets(pending, "ListOffsets", copy.Length);
        }
        finally
        {
            Release(pending);
        }
    }

    // The body of a ListOffsets or ResetGroup response: (partition, offset) pairs; `expected` entries when given.
    private (int Partition, long Offset)[] ReadPartitionOffsets(PendingRequest pending, string response, int expected = -1)
    {
        if (!ListOffsetsResponseReader.TryCreate(pending.BodySpan, out var reader) || (expected >= 0 && reader.Remaining != expected))
            throw ProtocolViolation($"a malformed {response} response");
        var result = new (int, long)[reader.Remaining];
        for (int i = 0; i < result.Length; i++)
        {
            reader.TryReadNext(out uint partition, out long offset);
            result[i] = ((int)partition, offset);
        }
        return result;
    }

    private PendingRequest StartListOffsets(string topic, (int Partition, long Timestamp)[] entries, CancellationToken cancellationToken)
    {
        Span<byte> name = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        var pending = BeginRequest(Opcode.ListOffsets, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteListOffsets(_writeBuffer, pending.Id, name, entries); }
            finally { EndWrite(); }
        }
        return pending;
    }

    private static TopicRetentionInfo RetentionOf(in TopicMetadataResponseReader reader)
        => new(reader.RetentionMs > 0 ? TimeSpan.FromMilliseconds(reader.RetentionMs) : null,
            reader.RetentionBytes > 0 ? reader.RetentionBytes : null,
            (reader.RetentionSource & RetentionSource.TopicAge) != 0,
            (reader.RetentionSource & RetentionSource.TopicBytes) != 0);
}
