using System.Buffers;

namespace FastBroker.Wire.Messages;

public static partial class FrameWriter
{
    // create topic = string name, u32 partitions, u8 flags, i64 retention ms, i64 retention bytes
    /// <summary>
    /// Writes a CreateTopic request with both retention fields (and so the flags byte): each a limit,
    /// <see cref="TopicRetention.Unlimited"/> or <see cref="TopicRetention.BrokerDefault"/>.
    /// </summary>
    public static void WriteCreateTopic(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic, int partitions,
        TopicFlags flags, long retentionMs, long retentionBytes)
    {
        int bodyLength = 2 + topic.Length + 4 + 1 + 8 + 8;
        var w = Begin(output, Opcode.CreateTopic, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteUInt32((uint)partitions);
        w.WriteByte((byte)flags);
        w.WriteInt64(retentionMs);
        w.WriteInt64(retentionBytes);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // create topic = string name, u32 partitions, u8 flags, i64 retention ms, i64 retention bytes, i64 dedup window ms
    /// <summary>
    /// Writes a CreateTopic request with the retention fields and the deduplication window (PROTOCOL.md 6.8): a window
    /// in ms, 0 (off) or <see cref="TopicRetention.BrokerDefault"/>.
    /// </summary>
    public static void WriteCreateTopic(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic, int partitions,
        TopicFlags flags, long retentionMs, long retentionBytes, long dedupWindowMs)
    {
        int bodyLength = 2 + topic.Length + 4 + 1 + 8 + 8 + 8;
        var w = Begin(output, Opcode.CreateTopic, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteUInt32((uint)partitions);
        w.WriteByte((byte)flags);
        w.WriteInt64(retentionMs);
        w.WriteInt64(retentionBytes);
        w.WriteInt64(dedupWindowMs);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // alter topic = string name, i64 retention ms, i64 retention bytes, i64 dedup window ms
    /// <summary>Writes an AlterTopic request that also sets the deduplication window: a window in ms, 0 (off),
    /// <see cref="TopicRetention.BrokerDefault"/> or <see cref="TopicRetention.Unchanged"/>.</summary>
    public static void WriteAlterTopic(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic, long retentionMs, long retentionBytes,
        long dedupWindowMs)
    {
        int bodyLength = 2 + topic.Length + 8 + 8 + 8;
        var w = Begin(output, Opcode.AlterTopic, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteInt64(retentionMs);
        w.WriteInt64(retentionBytes);
        w.WriteInt64(dedupWindowMs);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // alter topic = string name, i64 retention ms, i64 retention bytes
    /// <summary>Writes an AlterTopic request: each value a limit, <see cref="TopicRetention.Unlimited"/>,
    /// <see cref="TopicRetention.BrokerDefault"/> or <see cref="TopicRetention.Unchanged"/>.</summary>
    public static void WriteAlterTopic(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic, long retentionMs, long retentionBytes)
    {
        int bodyLength = 2 + topic.Length + 8 + 8;
        var w = Begin(output, Opcode.AlterTopic, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteInt64(retentionMs);
        w.WriteInt64(retentionBytes);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    /// <summary>Writes a TopicMetadata response; the id follows the partitions when <paramref name="topicId"/> is given,
    /// then the effective retention when <paramref name="retention"/> is given.</summary>
    public static void WriteTopicMetadataResponse(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<(long Start, long End)> partitions,
        Guid? topicId, (long Ms, long Bytes, RetentionSource Source)? retention)
        => WriteTopicMetadataResponse(output, requestId, partitions, topicId, retention, null);

    // topic metadata response = u32 partitions, (i64 start, i64 end) * partitions, [16 bytes id], [i64 ms, i64 bytes, u8 source],
    //                           [i64 dedup window ms, u8 own]
    /// <summary>Writes a TopicMetadata response; the id follows the partitions when <paramref name="topicId"/> is given,
    /// then the effective retention when <paramref name="retention"/> is given, then the effective deduplication window
    /// and whether it is the topic's own when <paramref name="dedupWindow"/> is given.</summary>
    public static void WriteTopicMetadataResponse(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<(long Start, long End)> partitions,
        Guid? topicId, (long Ms, long Bytes, RetentionSource Source)? retention, (long Ms, bool Own)? dedupWindow)
    {
        int bodyLength = 4 + 16 * partitions.Length + (topicId is null ? 0 : TopicIds.Size)
            + (retention is null ? 0 : TopicMetadataResponseReader.RetentionSize)
            + (dedupWindow is null ? 0 : TopicMetadataResponseReader.DedupWindowSize);
        var w = Begin(output, Opcode.TopicMetadata, FrameFlags.Response, requestId, bodyLength);
        w.WriteUInt32((uint)partitions.Length);
        foreach (var (start, end) in partitions)
        {
            w.WriteInt64(start);
            w.WriteInt64(end);
        }
        if (topicId is { } id) w.WriteTopicId(id);
        if (retention is { } r)
        {
            w.WriteInt64(r.Ms);
            w.WriteInt64(r.Bytes);
            w.WriteByte((byte)r.Source);
        }
        if (dedupWindow is { } d)
        {
            w.WriteInt64(d.Ms);
            w.WriteByte(d.Own ? (byte)1 : (byte)0);
        }
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // list offsets = string topic, u32 count, (u32 partition, i64 timestamp) * count
    /// <summary>Writes a ListOffsets request: per entry a partition and a timestamp in ms since the epoch, or
    /// <see cref="ListOffsetsRequest.Latest"/> or <see cref="ListOffsetsRequest.Earliest"/>.</summary>
    public static void WriteListOffsets(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic, ReadOnlySpan<(int Partition, long Timestamp)> entries)
    {
        int bodyLength = 2 + topic.Length + 4 + ListOffsetsRequest.EntrySize * entries.Length;
        var w = Begin(output, Opcode.ListOffsets, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteUInt32((uint)entries.Length);
        foreach (var (partition, timestamp) in entries)
        {
            w.WriteUInt32((uint)partition);
            w.WriteInt64(timestamp);
        }
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // list offsets response = u32 count, (u32 partition, i64 offset) * count
    /// <summary>Writes a ListOffsets response: the entries in the request's order, each with the offset found.</summary>
    public static void WriteListOffsetsResponse(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<(int Partition, long Offset)> entries)
        => WritePartitionOffsets(output, Opcode.ListOffsets, requestId, entries);

    // The body ListOffsets and ResetGroup responses share.
    private static void WritePartitionOffsets(IBufferWriter<byte> output, Opcode opcode, uint requestId, ReadOnlySpan<(int Partition, long Offset)> entries)
    {
        int bodyLength = 4 + ListOffsetsRequest.EntrySize * entries.Length;
        var w = Begin(output, opcode, FrameFlags.Response, requestId, bodyLength);
        w.WriteUInt32((uint)entries.Length);
        foreach (var (partition, offset) in entries)
        {
            w.WriteUInt32((uint)partition);
            w.WriteInt64(offset);
        }
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // error = u16 code, string message, i64 log start, i64 log end (OffsetOutOfRange only)
    /// <summary>Writes an OffsetOutOfRange Error with the partition's log start and end after the message, so the
    /// client can continue without asking for them.</summary>
    public static void WriteOffsetOutOfRange(IBufferWriter<byte> output, uint requestId, string message, long logStartOffset, long logEndOffset)
    {
        Span<byte> text = stackalloc byte[MaxErrorMessageBytes];
        int n = Utf8Prefix(message, text);
        int bodyLength = 2 + 2 + n + 8 + 8;
        var w = Begin(output, Opcode.Error, FrameFlags.Response, requestId, bodyLength);
        w.WriteUInt16((ushort)ErrorCode.OffsetOutOfRange);
        w.WriteString(text[..n]);
        w.WriteInt64(logStartOffset);
        w.WriteInt64(logEndOffset);
        output.Advance(FrameHeader.Size + bodyLength);
    }
}
