using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite;

public sealed partial class BrokerConnection
{
    /// <summary>Creates a topic. Fails with <see cref="ErrorCode.TopicExists"/> when it exists.</summary>
    public ValueTask CreateTopicAsync(string name, int partitions, CancellationToken cancellationToken = default)
        => CreateTopicAsync(name, partitions, temporary: false, cancellationToken);

    /// <summary>
    /// Creates a topic; with <paramref name="temporary"/>, one that belongs to this connection: the broker deletes it
    /// (data, subscriptions and positions) when this connection closes for any reason, and after a broker restart.
    /// Anyone may publish to it or read it meanwhile. Fails with <see cref="ErrorCode.TopicExists"/> when it exists.
    /// </summary>
    public ValueTask CreateTopicAsync(string name, int partitions, bool temporary, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        Span<byte> topic = EncodeName(name, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(name));
        var pending = BeginRequest(Opcode.CreateTopic, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteCreateTopic(_writeBuffer, pending.Id, topic, partitions, temporary ? TopicFlags.Temporary : TopicFlags.None); }
            finally { EndWrite(); }
        }
        return CompleteEmptyAsync(pending);
    }

    /// <summary>Deletes a topic and all its data. Fails with <see cref="ErrorCode.UnknownTopic"/> when there is none.</summary>
    public ValueTask DeleteTopicAsync(string name, CancellationToken cancellationToken = default)
    {
        Span<byte> topic = EncodeName(name, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(name));
        var pending = BeginRequest(Opcode.DeleteTopic, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteTopicRequest(_writeBuffer, Opcode.DeleteTopic, pending.Id, topic); }
            finally { EndWrite(); }
        }
        return CompleteEmptyAsync(pending);
    }

    /// <summary>Lists every topic with its partition count and id.</summary>
    public async ValueTask<IReadOnlyList<TopicInfo>> ListTopicsAsync(CancellationToken cancellationToken = default)
    {
        var pending = BeginRequest(Opcode.ListTopics, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteListTopics(_writeBuffer, pending.Id, TopicQueryFlags.WithTopicIds); }
            finally { EndWrite(); }
        }
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            return ParseTopicList(pending.BodySpan) ?? throw ProtocolViolation("a malformed ListTopics response");
        }
        finally
        {
            Release(pending);
        }
    }

    /// <summary>Partition count, per-partition offset range and id of <paramref name="name"/>.</summary>
    public ValueTask<TopicMetadata> GetTopicMetadataAsync(string name, CancellationToken cancellationToken = default)
    {
        Span<byte> topic = EncodeName(name, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(name));
        var pending = BeginRequest(Opcode.TopicMetadata, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteTopicMetadata(_writeBuffer, pending.Id, topic, TopicQueryFlags.WithTopicIds); }
            finally { EndWrite(); }
        }
        return CompleteMetadataAsync(pending, name, withRetention: false);
    }

    /// <summary>Round trip to the broker and back; returns the time it took.</summary>
    public async ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        long started = _time.GetTimestamp();
        var pending = BeginRequest(Opcode.Ping, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try
            {
                Span<byte> payload = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(payload, started);
                FrameWriter.WritePing(_writeBuffer, pending.Id, payload);
            }
            finally { EndWrite(); }
        }
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            if (pending.BodyLength != 8 || BinaryPrimitives.ReadInt64LittleEndian(pending.BodySpan) != started)
                throw ProtocolViolation("a Ping response that does not echo the request");
            return _time.GetElapsedTime(started);
        }
        finally
        {
            Release(pending);
        }
    }

    /// <summary>
    /// Appends one encoded record batch (see <see cref="RecordBatchBuilder"/>) to a partition and returns the
    /// offset the broker gave its first record. When this completes the batch is acknowledged: durable under the
    /// broker's fsync policy. The bytes are copied before this returns, so the caller may reuse them at once.
    /// When the broker dropped records as duplicates of their <c>fb-dedup-id</c> (PROTOCOL.md 6.8) this is the offset
    /// of the first record it stored (the stored records are consecutive), or −1 when it stored none; the
    /// <see cref="Producer"/> tells each message its own offset.
    /// </summary>
    public ValueTask<long> PublishAsync(string topic, int partition, ReadOnlyMemory<byte> encodedBatch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        if (encodedBatch.Length < RecordBatchHeader.Size)
            throw new ArgumentException("An encoded record batch is at least its header long.", nameof(encodedBatch));
        Span<byte> name = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        return CompletePublishAsync(StartPublish(name, partition, encodedBatch.Span, cancellationToken));
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<long> CompletePublishAsync(PendingRequest pending)
    {
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            return ReadPublishResponse(pending, out _);
        }
        finally
        {
            Release(pending);
        }
    }

    /// <summary>A Publish answer: the base offset and, when the broker dropped duplicates, which (else null).</summary>
    internal long ReadPublishResponse(PendingRequest pending, out PublishDuplicate[]? duplicates)
    {
        duplicates = null;
        var body = pending.BodySpan;
        if (!PublishResponse.TryParse(body, out long baseOffset, out int count))
            throw ProtocolViolation($"an {pending.BodyLength}-byte Publish response, which is neither 8 bytes nor 12 + 12 per duplicate");
        if (count == 0) return baseOffset;
        duplicates = new PublishDuplicate[count];
        for (int i = 0; i < count; i++)
            duplicates[i] = PublishResponse.ReadDuplicate(body, i);
        return baseOffset;
    }

    /// <summary>Registers and queues a Publish; the caller awaits and releases the returned request.</summary>
    internal PendingRequest StartPublish(ReadOnlySpan<byte> topicUtf8, int partition, ReadOnlySpan<byte> batch, CancellationToken cancellationToken)
    {
        int bodyLength = PublishRequest.PrefixSize(topicUtf8.Length) + batch.Length;
        if (bodyLength > MaxFrameBytes)
            throw new ArgumentException($"A {bodyLength}-byte publish exceeds the broker's {MaxFrameBytes}-byte frame limit.", nameof(batch));
        var pending = BeginRequest(Opcode.Publish, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WritePublish(_writeBuffer, pending.Id, topicUtf8, partition, batch); }
            finally { EndWrite(); }
        }
        return pending;
    }

    /// <summary>
    /// Reads record batches from <paramref name="offset"/> on. When the offset is the log end the broker waits up
    /// to <paramref name="maxWait"/> for data and may answer with no batches. The first batch may begin below
    /// <paramref name="offset"/>. Dispose the result to return its buffer to the pool.
    /// </summary>
    public ValueTask<FetchResult> FetchAsync(string topic, int partition, long offset, int maxBytes, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        uint waitMs = (uint)Math.Clamp((long)maxWait.TotalMilliseconds, 0, Protocol.MaxFetchWaitMs);
        Span<byte> name = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        var pending = BeginRequest(Opcode.Fetch, TimeSpan.FromMilliseconds(waitMs), cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteFetch(_writeBuffer, pending.Id, name, partition, offset, maxBytes, waitMs); }
            finally { EndWrite(); }
        }
        return CompleteFetchAsync(pending);
    }

    /// <summary>Stores <paramref name="nextOffset"/> (the next offset the group will read) as the group's position.</summary>
    public ValueTask CommitPositionAsync(string group, string topic, int partition, long nextOffset, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(nextOffset);
        Span<byte> groupName = EncodeName(group, stackalloc byte[Protocol.MaxGroupNameBytes], nameof(group));
        Span<byte> name = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        var pending = BeginRequest(Opcode.CommitPosition, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteCommitPosition(_writeBuffer, pending.Id, groupName, name, partition, nextOffset); }
            finally { EndWrite(); }
        }
        return CompleteEmptyAsync(pending);
    }

    /// <summary>The group's stored position (the next offset it will read), or null when it has none.</summary>
    public ValueTask<long?> ReadPositionAsync(string group, string topic, int partition, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        Span<byte> groupName = EncodeName(group, stackalloc byte[Protocol.MaxGroupNameBytes], nameof(group));
        Span<byte> name = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        var pending = BeginRequest(Opcode.ReadPosition, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteReadPosition(_writeBuffer, pending.Id, groupName, name, partition); }
            finally { EndWrite(); }
        }
        return CompletePositionAsync(pending);
    }

    /// <summary>
    /// Creates a batching producer for <paramref name="topic"/> on this connection; its partition count is read from
    /// the broker now (fails with <see cref="ErrorCode.UnknownTopic"/> when there is no such topic), and when
    /// <see cref="ProducerOptions.Idempotent"/> (the default) it obtains its producer id now. The producer does not
    /// own this connection, so it cannot reconnect: a lost connection fails its unacknowledged batches. Use
    /// <see cref="Producer.ConnectAsync"/> for a producer that reconnects and resends by itself.
    /// </summary>
    public async ValueTask<Producer> CreateProducerAsync(string topic, ProducerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ProducerOptions.Default;
        var metadata = await GetTopicMetadataAsync(topic, cancellationToken).ConfigureAwait(false);
        var producer = new Producer(this, topic, metadata.PartitionCount, options, endpoint: null);
        if (options.Idempotent)
            await producer.InitializeAsync(cancellationToken).ConfigureAwait(false);
        return producer;
    }

    /// <summary>Reads the u64 body of a Publish response.</summary>
    internal long ReadInt64Response(PendingRequest pending)
        => OffsetResponse.TryParse(pending.BodySpan, out long offset)
            ? offset
            : throw ProtocolViolation($"an {pending.BodyLength}-byte {pending.Opcode} response where 8 bytes belong");

    private bool BeginWrite(PendingRequest pending)
    {
        if (pending.Id == 0)
            return false;
        _sendLock.Enter();
        if (!_sendClosed)
            return true;
        _sendLock.Exit();
        return false;
    }

    private void EndWrite()
    {
        _sendLock.Exit();
        _sendSignal.Set();
    }

    private static Span<byte> EncodeName(string name, Span<byte> buffer, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, paramName);
        if (!Encoding.UTF8.TryGetBytes(name, buffer, out int length))
            throw new ArgumentException($"'{name}' is longer than {buffer.Length} UTF-8 bytes.", paramName);
        return buffer[..length];
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask CompleteEmptyAsync(PendingRequest pending)
    {
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
        }
        finally
        {
            Release(pending);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<long> CompleteInt64Async(PendingRequest pending)
    {
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            return ReadInt64Response(pending);
        }
        finally
        {
            Release(pending);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<long?> CompletePositionAsync(PendingRequest pending)
    {
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            long position = ReadInt64Response(pending);
            return position < 0 ? null : position;
        }
        finally
        {
            Release(pending);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FetchResult> CompleteFetchAsync(PendingRequest pending)
    {
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            if (!FetchResponse.TryParse(pending.BodySpan, out var response))
                throw ProtocolViolation("a Fetch response shorter than its prefix");
            int length = pending.BodyLength;
            return new FetchResult(pending.TakeBody()!, length, response.LogStartOffset, response.LogEndOffset);
        }
        finally
        {
            Release(pending);
        }
    }

    private async ValueTask<TopicMetadata> CompleteMetadataAsync(PendingRequest pending, string name, bool withRetention, bool withDedupWindow = false)
    {
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            if (!TopicMetadataResponseReader.TryCreate(pending.BodySpan, withId: true, withRetention, withDedupWindow, out var reader))
                throw ProtocolViolation("a malformed TopicMetadata response");
            var partitions = new PartitionRange[reader.Count];
            for (int i = 0; i < partitions.Length; i++)
            {
                reader.TryReadNext(out long start, out long end);
                partitions[i] = new PartitionRange(start, end);
            }
            return new TopicMetadata(name, partitions, reader.TopicId)
            {
                Retention = withRetention ? RetentionOf(reader) : null,
                DedupWindow = withDedupWindow ? new TopicDedupWindowInfo(TimeSpan.FromMilliseconds(reader.DedupWindowMs), reader.DedupWindowIsOwn) : null,
            };
        }
        finally
        {
            Release(pending);
        }
    }

    private static List<TopicInfo>? ParseTopicList(ReadOnlySpan<byte> body)
    {
        if (!ListTopicsResponseReader.TryCreate(body, withIds: true, out var reader)) return null;
        var topics = new List<TopicInfo>(reader.Remaining);
        while (reader.TryReadNext(out var name, out int partitions, out Guid id))
            topics.Add(new TopicInfo(Encoding.UTF8.GetString(name), partitions) { TopicId = id });
        return reader.IsComplete ? topics : null;
    }
}
