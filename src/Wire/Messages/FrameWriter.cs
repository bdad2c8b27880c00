using System.Buffers;
using System.Text;

namespace FastBroker.Wire.Messages;

/// <summary>
/// Stateless frame encoders over <see cref="IBufferWriter{T}"/>. Each method writes one whole frame
/// (header and body) with a single <c>GetSpan</c>/<c>Advance</c>. Grammar: PROTOCOL.md; strings are
/// <c>u16 length + UTF-8</c>, blobs <c>u32 length + bytes</c>.
/// </summary>
public static partial class FrameWriter
{
    // handshake = u32 magic, u16 version, u16 auth mechanism, string client name, blob auth data
    /// <summary>Writes a Handshake request.</summary>
    public static void WriteHandshake(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> clientName,
        ushort version = Protocol.Version, uint magic = Protocol.Magic, ushort authMechanism = 0, ReadOnlySpan<byte> auth = default)
    {
        int bodyLength = 4 + 2 + 2 + 2 + clientName.Length + 4 + auth.Length;
        var w = Begin(output, Opcode.Handshake, FrameFlags.None, requestId, bodyLength);
        w.WriteUInt32(magic);
        w.WriteUInt16(version);
        w.WriteUInt16(authMechanism);
        w.WriteString(clientName);
        w.WriteBlob(auth);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // handshake response = u16 version, u32 max frame bytes, u32 max message bytes, string server name
    /// <summary>Writes a Handshake response.</summary>
    public static void WriteHandshakeResponse(IBufferWriter<byte> output, uint requestId, int maxFrameBytes, int maxMessageBytes, ReadOnlySpan<byte> serverName)
    {
        int bodyLength = 2 + 4 + 4 + 2 + serverName.Length;
        var w = Begin(output, Opcode.Handshake, FrameFlags.Response, requestId, bodyLength);
        w.WriteUInt16(Protocol.Version);
        w.WriteUInt32((uint)maxFrameBytes);
        w.WriteUInt32((uint)maxMessageBytes);
        w.WriteString(serverName);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // ping = opaque bytes, echoed back unchanged in the response
    /// <summary>Writes a Ping request or (with <paramref name="flags"/> = Response) its echo.</summary>
    public static void WritePing(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> payload, FrameFlags flags = FrameFlags.None)
    {
        var w = Begin(output, Opcode.Ping, flags, requestId, payload.Length);
        w.WriteBytes(payload);
        output.Advance(FrameHeader.Size + payload.Length);
    }

    // create topic = string name, u32 partitions [, u8 flags]
    /// <summary>
    /// Writes a CreateTopic request. The flags byte is written only when <paramref name="flags"/> is not
    /// <see cref="TopicFlags.None"/>, so a plain create stays readable by brokers that predate the field.
    /// </summary>
    public static void WriteCreateTopic(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic, int partitions,
        TopicFlags flags = TopicFlags.None)
    {
        int bodyLength = 2 + topic.Length + 4 + (flags == TopicFlags.None ? 0 : 1);
        var w = Begin(output, Opcode.CreateTopic, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteUInt32((uint)partitions);
        if (flags != TopicFlags.None) w.WriteByte((byte)flags);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // delete topic = string name; topic metadata = string name
    /// <summary>Writes a request whose whole body is one topic name (DeleteTopic, TopicMetadata).</summary>
    public static void WriteTopicRequest(IBufferWriter<byte> output, Opcode opcode, uint requestId, ReadOnlySpan<byte> topic)
    {
        int bodyLength = 2 + topic.Length;
        var w = Begin(output, opcode, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    /// <summary>Writes a frame with an empty body: a ListTopics request, or the response to CreateTopic,
    /// DeleteTopic or CommitPosition.</summary>
    public static void WriteEmpty(IBufferWriter<byte> output, Opcode opcode, FrameFlags flags, uint requestId)
    {
        Begin(output, opcode, flags, requestId, 0);
        output.Advance(FrameHeader.Size);
    }

    // list topics = (u8 flags, optional); topic metadata = string name, (u8 flags, optional)
    /// <summary>
    /// Writes a ListTopics request. The flags byte is written only when <paramref name="flags"/> is not
    /// <see cref="TopicQueryFlags.None"/>, so a plain list stays readable by brokers that predate the field.
    /// </summary>
    public static void WriteListTopics(IBufferWriter<byte> output, uint requestId, TopicQueryFlags flags)
    {
        int bodyLength = flags == TopicQueryFlags.None ? 0 : 1;
        var w = Begin(output, Opcode.ListTopics, FrameFlags.None, requestId, bodyLength);
        if (flags != TopicQueryFlags.None) w.WriteByte((byte)flags);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    /// <summary>
    /// Writes a TopicMetadata request. The flags byte is written only when <paramref name="flags"/> is not
    /// <see cref="TopicQueryFlags.None"/>, so a plain request stays readable by brokers that predate the field.
    /// </summary>
    public static void WriteTopicMetadata(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic, TopicQueryFlags flags)
    {
        int bodyLength = 2 + topic.Length + (flags == TopicQueryFlags.None ? 0 : 1);
        var w = Begin(output, Opcode.TopicMetadata, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        if (flags != TopicQueryFlags.None) w.WriteByte((byte)flags);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // list topics response = u32 count, (string name, u32 partitions, [16 bytes id]) * count
    /// <summary>Writes a ListTopics response without ids (a request without <see cref="TopicQueryFlags.WithTopicIds"/>).</summary>
    public static void WriteListTopicsResponse(IBufferWriter<byte> output, uint requestId, IReadOnlyList<(string Name, int Partitions)> topics)
    {
        var withoutIds = new (string, int, Guid)[topics.Count];
        for (int i = 0; i < withoutIds.Length; i++) withoutIds[i] = (topics[i].Name, topics[i].Partitions, Guid.Empty);
        WriteListTopicsResponse(output, requestId, withoutIds, withIds: false);
    }

    /// <summary>Writes a ListTopics response; each entry ends with the topic's id when <paramref name="withIds"/>.</summary>
    public static void WriteListTopicsResponse(IBufferWriter<byte> output, uint requestId, IReadOnlyList<(string Name, int Partitions, Guid Id)> topics,
        bool withIds)
    {
        int bodyLength = 4;
        foreach (var (topicName, _, _) in topics)
            bodyLength += 2 + Encoding.UTF8.GetByteCount(topicName) + 4 + (withIds ? TopicIds.Size : 0);
        var w = Begin(output, Opcode.ListTopics, FrameFlags.Response, requestId, bodyLength);
        w.WriteUInt32((uint)topics.Count);
        Span<byte> name = stackalloc byte[Protocol.MaxTopicNameBytes * 3];
        foreach (var (topic, partitions, id) in topics)
        {
            int n = Encoding.UTF8.GetBytes(topic, name);
            w.WriteString(name[..n]);
            w.WriteUInt32((uint)partitions);
            if (withIds) w.WriteTopicId(id);
        }
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // topic metadata response = u32 partitions, (u64 log start offset, u64 log end offset) * partitions, [16 bytes id]
    /// <summary>Writes a TopicMetadata response without an id (a request without <see cref="TopicQueryFlags.WithTopicIds"/>).</summary>
    public static void WriteTopicMetadataResponse(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<(long Start, long End)> partitions)
        => WriteTopicMetadataResponse(output, requestId, partitions, null);

    /// <summary>Writes a TopicMetadata response; the topic's id follows the partitions when <paramref name="topicId"/> is given.</summary>
    public static void WriteTopicMetadataResponse(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<(long Start, long End)> partitions,
        Guid? topicId)
    {
        int bodyLength = 4 + 16 * partitions.Length + (topicId is null ? 0 : TopicIds.Size);
        var w = Begin(output, Opcode.TopicMetadata, FrameFlags.Response, requestId, bodyLength);
        w.WriteUInt32((uint)partitions.Length);
        foreach (var (start, end) in partitions)
        {
            w.WriteInt64(start);
            w.WriteInt64(end);
        }
        if (topicId is { } id) w.WriteTopicId(id);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // publish = string topic, u32 partition, record batch (the rest of the body)
    /// <summary>Writes a Publish request carrying one encoded record batch.</summary>
    public static void WritePublish(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic, int partition, ReadOnlySpan<byte> batch)
    {
        int bodyLength = 2 + topic.Length + 4 + batch.Length;
        var w = Begin(output, Opcode.Publish, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteUInt32((uint)partition);
        w.WriteBytes(batch);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // publish response = u64 base offset assigned to the batch
    /// <summary>Writes a Publish response.</summary>
    public static void WritePublishResponse(IBufferWriter<byte> output, uint requestId, long baseOffset)
    {
        var w = Begin(output, Opcode.Publish, FrameFlags.Response, requestId, 8);
        w.WriteInt64(baseOffset);
        output.Advance(FrameHeader.Size + 8);
    }

    // publish response with duplicates = i64 base offset, u32 count, count × (u32 record index, i64 original offset)
    /// <summary>Writes a Publish response that reports records removed as duplicates (PROTOCOL.md sections 5.7, 6.8);
    /// with no duplicates it is the plain 8-byte answer.</summary>
    public static void WritePublishResponse(IBufferWriter<byte> output, uint requestId, long baseOffset, ReadOnlySpan<PublishDuplicate> duplicates)
    {
        int bodyLength = PublishResponse.BodyLength(duplicates.Length);
        var span = output.GetSpan(FrameHeader.Size + bodyLength);
        new FrameHeader(bodyLength, Opcode.Publish, FrameFlags.Response, requestId).Write(span);
        PublishResponse.WriteBody(span.Slice(FrameHeader.Size, bodyLength), baseOffset, duplicates);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // fetch = string topic, u32 partition, u64 offset, u32 max bytes, u32 max wait ms
    /// <summary>Writes a Fetch request.</summary>
    public static void WriteFetch(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic, int partition, long offset, int maxBytes, uint maxWaitMs)
    {
        int bodyLength = 2 + topic.Length + 4 + 8 + 4 + 4;
        var w = Begin(output, Opcode.Fetch, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteUInt32((uint)partition);
        w.WriteInt64(offset);
        w.WriteUInt32((uint)maxBytes);
        w.WriteUInt32(maxWaitMs);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    /// <summary>Size of a Fetch response body before its batches.</summary>
    public const int FetchResponsePrefixSize = 16;

    // fetch response = u64 log start offset, u64 log end offset, record batches (the rest of the body)
    /// <summary>
    /// Writes the header and fixed fields of a Fetch response whose batches (<paramref name="batchBytes"/> long)
    /// the caller writes next, so they can be read from storage straight into the output.
    /// </summary>
    public static void WriteFetchResponsePrefix(IBufferWriter<byte> output, uint requestId, long logStartOffset, long logEndOffset, int batchBytes)
    {
        WriteFetchResponsePrefix(output.GetSpan(FrameHeader.Size + FetchResponsePrefixSize), requestId, logStartOffset, logEndOffset, batchBytes);
        output.Advance(FrameHeader.Size + FetchResponsePrefixSize);
    }

    /// <summary>
    /// Writes the frame header and fixed fields of a Fetch response into the first
    /// <c>FrameHeader.Size + FetchResponsePrefixSize</c> bytes of <paramref name="destination"/>, for callers that
    /// read the batches into the bytes right after it first and learn <paramref name="batchBytes"/> only then.
    /// </summary>
    public static void WriteFetchResponsePrefix(Span<byte> destination, uint requestId, long logStartOffset, long logEndOffset, int batchBytes)
    {
        new FrameHeader(FetchResponsePrefixSize + batchBytes, Opcode.Fetch, FrameFlags.Response, requestId).Write(destination);
        var w = new SpanWriter(destination.Slice(FrameHeader.Size, FetchResponsePrefixSize));
        w.WriteInt64(logStartOffset);
        w.WriteInt64(logEndOffset);
    }

    // commit position = string group, string topic, u32 partition, u64 offset
    /// <summary>Writes a CommitPosition request.</summary>
    public static void WriteCommitPosition(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> group, ReadOnlySpan<byte> topic, int partition, long offset)
    {
        int bodyLength = 2 + group.Length + 2 + topic.Length + 4 + 8;
        var w = Begin(output, Opcode.CommitPosition, FrameFlags.None, requestId, bodyLength);
        w.WriteString(group);
        w.WriteString(topic);
        w.WriteUInt32((uint)partition);
        w.WriteInt64(offset);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // read position = string group, string topic, u32 partition
    /// <summary>Writes a ReadPosition request.</summary>
    public static void WriteReadPosition(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> group, ReadOnlySpan<byte> topic, int partition)
    {
        int bodyLength = 2 + group.Length + 2 + topic.Length + 4;
        var w = Begin(output, Opcode.ReadPosition, FrameFlags.None, requestId, bodyLength);
        w.WriteString(group);
        w.WriteString(topic);
        w.WriteUInt32((uint)partition);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // read position response = i64 offset, -1 when the group has no position there
    /// <summary>Writes a ReadPosition response.</summary>
    public static void WriteReadPositionResponse(IBufferWriter<byte> output, uint requestId, long offset)
    {
        var w = Begin(output, Opcode.ReadPosition, FrameFlags.Response, requestId, 8);
        w.WriteInt64(offset);
        output.Advance(FrameHeader.Size + 8);
    }

    // error = u16 code, string message (UTF-8, cut to 1024 bytes)
    /// <summary>Writes an Error response to request <paramref name="requestId"/> (0 when it is about the connection).</summary>
    public static void WriteError(IBufferWriter<byte> output, uint requestId, ErrorCode code, string message)
    {
        Span<byte> text = stackalloc byte[MaxErrorMessageBytes];
        int n = Utf8Prefix(message, text);
        int bodyLength = 2 + 2 + n;
        var w = Begin(output, Opcode.Error, FrameFlags.Response, requestId, bodyLength);
        w.WriteUInt16((ushort)code);
        w.WriteString(text[..n]);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    /// <summary>Longest error message the broker sends, in UTF-8 bytes.</summary>
    public const int MaxErrorMessageBytes = 1024;

    private static int Utf8Prefix(string message, Span<byte> destination)
    {
        var encoder = Encoding.UTF8.GetEncoder();
        encoder.Convert(message, destination, flush: true, out _, out int bytesUsed, out _);
        return bytesUsed;
    }

    private static SpanWriter Begin(IBufferWriter<byte> output, Opcode opcode, FrameFlags flags, uint requestId, int bodyLength)
    {
        var span = output.GetSpan(FrameHeader.Size + bodyLength);
        new FrameHeader(bodyLength, opcode, flags, requestId).Write(span);
        return new SpanWriter(span.Slice(FrameHeader.Size, bodyLength));
    }
}
