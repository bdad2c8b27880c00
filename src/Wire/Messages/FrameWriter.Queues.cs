using System.Buffers;
using System.Text;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Wire.Messages;

public static partial class FrameWriter
{
    // create subscription = string topic, string subscription, u32 visibility ms, u16 max deliveries,
    //                       string dead-letter topic (empty: default), u32 max in flight, u8 ack mode
    /// <summary>Writes a CreateSubscription request.</summary>
    public static void WriteCreateSubscription(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic,
        ReadOnlySpan<byte> subscription, uint visibilityTimeoutMs, ushort maxDeliveries, ReadOnlySpan<byte> deadLetterTopic,
        uint maxInFlight, AckMode ackMode)
        => WriteCreateSubscription(output, requestId, topic, subscription, visibilityTimeoutMs, maxDeliveries, deadLetterTopic,
            maxInFlight, ackMode, trailing: false, default, 0, null);

    // create subscription, with the optional trailing fields (PROTOCOL.md section 5.12):
    //   ... u8 ack mode, string filter (empty: none), u8 options (bit 0: dead-letter expired messages)
    /// <summary>Writes a CreateSubscription request with a filter and options; brokers that predate them reject it
    /// as malformed, so clients send this form only when one of them is set.</summary>
    public static void WriteCreateSubscription(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic,
        ReadOnlySpan<byte> subscription, uint visibilityTimeoutMs, ushort maxDeliveries, ReadOnlySpan<byte> deadLetterTopic,
        uint maxInFlight, AckMode ackMode, ReadOnlySpan<byte> filter, byte options)
        => WriteCreateSubscription(output, requestId, topic, subscription, visibilityTimeoutMs, maxDeliveries, deadLetterTopic,
            maxInFlight, ackMode, trailing: true, filter, options, null);

    // create subscription, with a start after the trailing fields (PROTOCOL.md section 5.12):
    //   ... string filter, u8 options, u8 start kind, i64 start value
    /// <summary>Writes a CreateSubscription request with a filter, options and a start position; brokers that predate
    /// the start reject it as malformed, so clients send this form only when the start is not latest.</summary>
    public static void WriteCreateSubscription(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic,
        ReadOnlySpan<byte> subscription, uint visibilityTimeoutMs, ushort maxDeliveries, ReadOnlySpan<byte> deadLetterTopic,
        uint maxInFlight, AckMode ackMode, ReadOnlySpan<byte> filter, byte options, SubscriptionStart start)
        => WriteCreateSubscription(output, requestId, topic, subscription, visibilityTimeoutMs, maxDeliveries, deadLetterTopic,
            maxInFlight, ackMode, trailing: true, filter, options, start);

    private static void WriteCreateSubscription(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic,
        ReadOnlySpan<byte> subscription, uint visibilityTimeoutMs, ushort maxDeliveries, ReadOnlySpan<byte> deadLetterTopic,
        uint maxInFlight, AckMode ackMode, bool trailing, ReadOnlySpan<byte> filter, byte options, SubscriptionStart? start)
    {
        int bodyLength = 2 + topic.Length + 2 + subscription.Length + 4 + 2 + 2 + deadLetterTopic.Length + 4 + 1
            + (trailing ? 2 + filter.Length + 1 : 0) + (start is null ? 0 : SubscriptionStart.Size);
        var w = Begin(output, Opcode.CreateSubscription, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteString(subscription);
        w.WriteUInt32(visibilityTimeoutMs);
        w.WriteUInt16(maxDeliveries);
        w.WriteString(deadLetterTopic);
        w.WriteUInt32(maxInFlight);
        w.WriteByte((byte)ackMode);
        if (trailing)
        {
            w.WriteString(filter);
            w.WriteByte(options);
        }
        if (start is { } at)
        {
            w.WriteByte((byte)at.Kind);
            w.WriteInt64(at.Value);
        }
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // delete subscription = string topic, string subscription; subscription stats = the same
    /// <summary>Writes a request whose whole body names one subscription (DeleteSubscription, SubscriptionStats).</summary>
    public static void WriteSubscriptionRequest(IBufferWriter<byte> output, Opcode opcode, uint requestId,
        ReadOnlySpan<byte> topic, ReadOnlySpan<byte> subscription)
    {
        int bodyLength = 2 + topic.Length + 2 + subscription.Length;
        var w = Begin(output, opcode, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteString(subscription);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // reset subscription = string topic, string subscription, u8 start kind, i64 start value
    /// <summary>Writes a ResetSubscription request.</summary>
    public static void WriteResetSubscription(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic,
        ReadOnlySpan<byte> subscription, SubscriptionStart start)
    {
        int bodyLength = 2 + topic.Length + 2 + subscription.Length + SubscriptionStart.Size;
        var w = Begin(output, Opcode.ResetSubscription, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteString(subscription);
        w.WriteByte((byte)start.Kind);
        w.WriteInt64(start.Value);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // reset subscription response = u32 count, (i64 offset, i64 skipped) * count, in partition order
    /// <summary>Writes a ResetSubscription response: per partition, in order, its new position and the messages skipped.</summary>
    public static void WriteResetSubscriptionResponse(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<PartitionReset> partitions)
    {
        int bodyLength = ResetSubscriptionResponse.BodyLength(partitions.Length);
        var w = Begin(output, Opcode.ResetSubscription, FrameFlags.Response, requestId, bodyLength);
        w.WriteUInt32((uint)partitions.Length);
        foreach (var partition in partitions)
        {
            w.WriteInt64(partition.Offset);
            w.WriteInt64(partition.Skipped);
        }
        output.Advance(FrameHeader.Size + bodyLength);
    }

    /// <summary>Writes a SubscriptionStats response.</summary>
    public static void WriteSubscriptionStatsResponse(IBufferWriter<byte> output, uint requestId, in SubscriptionStats stats)
    {
        Span<byte> dlq = stackalloc byte[Protocol.MaxTopicNameBytes * 3];
        int n = Encoding.UTF8.GetBytes(stats.Settings.DeadLetterTopic, dlq);
        // Stats are rare and a filter is at most 4 KiB: one small array is fine here.
        byte[] filter = stats.Settings.Filter.Length == 0 ? [] : Encoding.UTF8.GetBytes(stats.Settings.Filter);
        int bodyLength = stats.BodyLength(n, filter.Length);
        var w = Begin(output, Opcode.SubscriptionStats, FrameFlags.Response, requestId, bodyLength);
        stats.Write(ref w, dlq[..n], filter);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // receive = string topic, string subscription, u32 max messages, u32 max bytes, u32 max wait ms, u32 visibility ms
    /// <summary>Writes a Receive request.</summary>
    public static void WriteReceive(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> subscription,
        uint maxMessages, uint maxBytes, uint maxWaitMs, uint visibilityTimeoutMs)
    {
        int bodyLength = 2 + topic.Length + 2 + subscription.Length + 16;
        var w = Begin(output, Opcode.Receive, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteString(subscription);
        w.WriteUInt32(maxMessages);
        w.WriteUInt32(maxBytes);
        w.WriteUInt32(maxWaitMs);
        w.WriteUInt32(visibilityTimeoutMs);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // ack / nack / extend = string topic, string subscription, u32 argument, u32 sections,
    //                       sections * (u32 partition, u32 ranges, ranges * (i64 first, u32 count))
    /// <summary>
    /// Writes an Ack, Nack or Extend request. Consecutive ranges of the same partition share one section, so callers
    /// that sort by partition send the fewest bytes; any order is valid.
    /// </summary>
    public static void WriteSettle(IBufferWriter<byte> output, Opcode opcode, uint requestId, ReadOnlySpan<byte> topic,
        ReadOnlySpan<byte> subscription, uint argument, ReadOnlySpan<OffsetRange> ranges)
    {
        int sections = 0;
        for (int i = 0; i < ranges.Length; i++)
            if (i == 0 || ranges[i].Partition != ranges[i - 1].Partition) sections++;
        int bodyLength = 2 + topic.Length + 2 + subscription.Length + 4 + 4 + sections * 8 + ranges.Length * OffsetRange.Size;
        var w = Begin(output, opcode, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteString(subscription);
        w.WriteUInt32(argument);
        w.WriteUInt32((uint)sections);
        int start = 0;
        while (start < ranges.Length)
        {
            int end = start + 1;
            while (end < ranges.Length && ranges[end].Partition == ranges[start].Partition) end++;
            w.WriteUInt32((uint)ranges[start].Partition);
            w.WriteUInt32((uint)(end - start));
            for (int i = start; i < end; i++)
            {
                w.WriteInt64(ranges[i].First);
                w.WriteUInt32((uint)ranges[i].Count);
            }
            start = end;
        }
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // ack / nack / extend response = u32 messages the request applied to
    /// <summary>Writes the response to an Ack, Nack or Extend.</summary>
    public static void WriteSettleResponse(IBufferWriter<byte> output, Opcode opcode, uint requestId, uint applied)
    {
        var w = Begin(output, opcode, FrameFlags.Response, requestId, 4);
        w.WriteUInt32(applied);
        output.Advance(FrameHeader.Size + 4);
    }

    // subscribe = string topic, string subscription, u32 credit, u32 visibility ms
    /// <summary>Writes a Subscribe request; its request id becomes the push id of the subscription.</summary>
    public static void WriteSubscribe(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> subscription,
        uint credit, uint visibilityTimeoutMs)
    {
        int bodyLength = 2 + topic.Length + 2 + subscription.Length + 8;
        var w = Begin(output, Opcode.Subscribe, FrameFlags.None, requestId, bodyLength);
        w.WriteString(topic);
        w.WriteString(subscription);
        w.WriteUInt32(credit);
        w.WriteUInt32(visibilityTimeoutMs);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // credit = u32 push id, u32 credit
    /// <summary>Writes a Credit request.</summary>
    public static void WriteCredit(IBufferWriter<byte> output, uint requestId, uint pushId, uint credit)
    {
        var w = Begin(output, Opcode.Credit, FrameFlags.None, requestId, 8);
        w.WriteUInt32(pushId);
        w.WriteUInt32(credit);
        output.Advance(FrameHeader.Size + 8);
    }

    // unsubscribe = u32 push id
    /// <summary>Writes an Unsubscribe request.</summary>
    public static void WriteUnsubscribe(IBufferWriter<byte> output, uint requestId, uint pushId)
    {
        var w = Begin(output, Opcode.Unsubscribe, FrameFlags.None, requestId, 4);
        w.WriteUInt32(pushId);
        output.Advance(FrameHeader.Size + 4);
    }

    /// <summary>Bytes before the first section of a delivery frame: the frame header and the section count.</summary>
    public const int DeliveryPrefixSize = FrameHeader.Size + 4;

    /// <summary>Bytes of a delivery section before its batches.</summary>
    public static int DeliverySectionPrefixSize(int ranges) => 4 + 4 + ranges * DeliveryRange.Size + 4;

    /// <summary>
    /// Writes the frame header and section count of a delivery (a Receive response, or a Deliver push with flags
    /// Response|Push) whose sections, <paramref name="bodyLength"/> - 4 bytes, the caller writes after it.
    /// </summary>
    public static void WriteDeliveryPrefix(Span<byte> destination, Opcode opcode, FrameFlags flags, uint requestId, int bodyLength, int sections)
    {
        new FrameHeader(bodyLength, opcode, flags, requestId).Write(destination);
        var w = new SpanWriter(destination.Slice(FrameHeader.Size, 4));
        w.WriteUInt32((uint)sections);
    }

    /// <summary>Writes one section's prefix (partition, ranges, batch byte count); its batches go right after it.</summary>
    public static int WriteDeliverySectionPrefix(Span<byte> destination, int partition, ReadOnlySpan<DeliveryRange> ranges, int batchBytes)
    {
        var w = new SpanWriter(destination);
        w.WriteUInt32((uint)partition);
        w.WriteUInt32((uint)ranges.Length);
        foreach (var range in ranges)
        {
            w.WriteInt64(range.First);
            w.WriteUInt32((uint)range.Count);
            w.WriteUInt16(range.DeliveryCount);
        }
        w.WriteUInt32((uint)batchBytes);
        return w.Written;
    }

    /// <summary>Writes a whole delivery frame from sections held in memory (tests, fakes, small tools).</summary>
    public static void WriteDelivery(IBufferWriter<byte> output, Opcode opcode, FrameFlags flags, uint requestId,
        IReadOnlyList<(int Partition, DeliveryRange[] Ranges, ReadOnlyMemory<byte> Batches)> sections)
    {
        int bodyLength = 4;
        foreach (var (_, ranges, batches) in sections)
            bodyLength += DeliverySectionPrefixSize(ranges.Length) + batches.Length;
        var span = output.GetSpan(FrameHeader.Size + bodyLength);
        WriteDeliveryPrefix(span, opcode, flags, requestId, bodyLength, sections.Count);
        int at = DeliveryPrefixSize;
        foreach (var (partition, ranges, batches) in sections)
        {
            at += WriteDeliverySectionPrefix(span[at..], partition, ranges, batches.Length);
            batches.Span.CopyTo(span[at..]);
            at += batches.Length;
        }
        output.Advance(FrameHeader.Size + bodyLength);
    }
}
