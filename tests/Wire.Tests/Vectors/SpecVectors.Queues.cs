using System.Buffers;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests.Vectors;

internal static partial class SpecVectors
{
    // The work-queue vectors: a shared subscription "shipping" on "orders" (request ids 14 and up) receiving the
    // sample batch at offsets 42 and 43 of partition 2, as the fetch vectors hold it.
    private static SpecVector[] QueueVectors() =>
    [
        Frame("create-subscription-request",
            w => FrameWriter.WriteCreateSubscription(w, 14, "orders"u8, "shipping"u8, 30_000, 5, ""u8, 100_000, AckMode.Explicit),
            (h, body) =>
            {
                AssertHeader(h, Opcode.CreateSubscription, FrameFlags.None, 14);
                Assert.True(CreateSubscriptionRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal("shipping"u8, r.Subscription);
                Assert.Equal(30_000u, r.VisibilityTimeoutMs);
                Assert.Equal((ushort)5, r.MaxDeliveries);
                Assert.True(r.DeadLetterTopic.IsEmpty);
                Assert.Equal(100_000u, r.MaxInFlight);
                Assert.Equal(AckMode.Explicit, r.AckMode);
                Assert.False(r.HasFilterFields);
                Assert.True(r.Filter.IsEmpty);
            }),
        Frame("create-subscription-request-filtered",
            w => FrameWriter.WriteCreateSubscription(w, 14, "orders"u8, "shipping"u8, 30_000, 5, ""u8, 100_000, AckMode.Explicit,
                "key ~ \"eu.#\""u8, SubscriptionSettings.OptionDeadLetterExpired),
            (h, body) =>
            {
                AssertHeader(h, Opcode.CreateSubscription, FrameFlags.None, 14);
                Assert.True(CreateSubscriptionRequest.TryParse(body, out var r));
                Assert.Equal("shipping"u8, r.Subscription);
                Assert.Equal(AckMode.Explicit, r.AckMode);
                Assert.True(r.HasFilterFields);
                Assert.Equal("key ~ \"eu.#\""u8, r.Filter);
                Assert.Equal(SubscriptionSettings.OptionDeadLetterExpired, r.Options);
            }),
        Frame("create-subscription-request-start",
            w => FrameWriter.WriteCreateSubscription(w, 14, "orders"u8, "shipping"u8, 30_000, 5, ""u8, 100_000, AckMode.Explicit,
                ""u8, 0, new SubscriptionStart(SubscriptionStartKind.Offset, 42)),
            (h, body) =>
            {
                AssertHeader(h, Opcode.CreateSubscription, FrameFlags.None, 14);
                Assert.True(CreateSubscriptionRequest.TryParse(body, out var r));
                Assert.True(r.HasFilterFields);
                Assert.True(r.Filter.IsEmpty);
                Assert.Equal((byte)0, r.Options);
                Assert.True(r.HasStart);
                Assert.Equal(new SubscriptionStart(SubscriptionStartKind.Offset, 42), r.Start);
            }),
        Frame("create-subscription-request-key-ordered",
            w => FrameWriter.WriteCreateSubscription(w, 14, "orders"u8, "shipping"u8, 30_000, 5, ""u8, 100_000, AckMode.Explicit,
                ""u8, SubscriptionSettings.OptionKeyOrdered),
            (h, body) =>
            {
                AssertHeader(h, Opcode.CreateSubscription, FrameFlags.None, 14);
                Assert.True(CreateSubscriptionRequest.TryParse(body, out var r));
                Assert.True(r.HasFilterFields);
                Assert.True(r.Filter.IsEmpty);
                Assert.Equal(SubscriptionSettings.OptionKeyOrdered, r.Options);
                Assert.False(r.HasStart);
                Assert.True(SubscriptionSettings.Default.WithOptions(r.Options).KeyOrdered);
            }),
        Frame("reset-subscription-request",
            w => FrameWriter.WriteResetSubscription(w, 34, "orders"u8, "shipping"u8, SubscriptionStart.Earliest),
            (h, body) =>
            {
                AssertHeader(h, Opcode.ResetSubscription, FrameFlags.None, 34);
                Assert.True(ResetSubscriptionRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal("shipping"u8, r.Subscription);
                Assert.Equal(SubscriptionStart.Earliest, r.Start);
            }),
        Frame("reset-subscription-response",
            w => FrameWriter.WriteResetSubscriptionResponse(w, 34, [new PartitionReset(0, 0), new PartitionReset(0, 0), new PartitionReset(40, 0), new PartitionReset(0, 0)]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.ResetSubscription, FrameFlags.Response, 34);
                Assert.True(ResetSubscriptionResponse.TryParse(body, out var partitions));
                Assert.Equal([new PartitionReset(0, 0), new PartitionReset(0, 0), new PartitionReset(40, 0), new PartitionReset(0, 0)], partitions);
            }),
        Frame("subscription-stats-request",
            w => FrameWriter.WriteSubscriptionRequest(w, Opcode.SubscriptionStats, 15, "orders"u8, "shipping"u8),
            (h, body) =>
            {
                AssertHeader(h, Opcode.SubscriptionStats, FrameFlags.None, 15);
                Assert.True(SubscriptionRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal("shipping"u8, r.Subscription);
            }),
        Frame("subscription-stats-response",
            w => FrameWriter.WriteSubscriptionStatsResponse(w, 15, SampleStats),
            (h, body) =>
            {
                AssertHeader(h, Opcode.SubscriptionStats, FrameFlags.Response, 15);
                Assert.True(SubscriptionStats.TryParse(body, out var stats));
                Assert.Equal(SampleStats, stats);
                Assert.Equal("orders.shipping.dlq", stats.Settings.DeadLetterTopic);
                Assert.Equal("key ~ \"eu.#\"", stats.Settings.Filter);
                Assert.True(stats.Settings.DeadLetterExpired);
                Assert.Equal((40L, 2L), (stats.Filtered, stats.Expired));
            }),
        Frame("receive-request",
            w => FrameWriter.WriteReceive(w, 16, "orders"u8, "shipping"u8, 100, 65_536, 20_000, 0),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Receive, FrameFlags.None, 16);
                Assert.True(ReceiveRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal("shipping"u8, r.Subscription);
                Assert.Equal(100u, r.MaxMessages);
                Assert.Equal(65_536u, r.MaxBytes);
                Assert.Equal(20_000u, r.MaxWaitMs);
                Assert.Equal(0u, r.VisibilityTimeoutMs);
            }),
        Frame("receive-response",
            w => FrameWriter.WriteDelivery(w, Opcode.Receive, FrameFlags.Response, 16,
                [(2, [new DeliveryRange(42, 1, 1), new DeliveryRange(43, 1, 2)], SampleBatch.Encode(baseOffset: 42))]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Receive, FrameFlags.Response, 16);
                AssertOneSection(body, 2, [new DeliveryRange(42, 1, 1), new DeliveryRange(43, 1, 2)]);
            }),
        Frame("receive-response-filtered",
            w => FrameWriter.WriteDelivery(w, Opcode.Receive, FrameFlags.Response, 16,
                [(2, [new DeliveryRange(43, 1, 1)], TrimmedSampleBatch())]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Receive, FrameFlags.Response, 16);
                Assert.True(DeliveryReader.TryCreate(body, out var reader));
                Assert.True(reader.TryReadSection(out var section));
                Assert.Equal(2, section.Partition);
                Assert.Equal(new DeliveryRange(43, 1, 1), section.GetRange(0));
                var batch = section.Batches;
                Assert.Equal(ErrorCode.None, RecordBatch.Validate(batch, Protocol.DefaultMaxMessageBytes));
                var header = RecordBatchHeader.Read(batch);
                Assert.Equal((43L, 1, SampleBatch.FirstTimestamp, SampleBatch.SecondTimestamp), (header.BaseOffset, header.RecordCount, header.FirstTimestamp, header.MaxTimestamp));
                var records = new RecordBatchReader(batch);
                Assert.Equal(RecordReadStatus.Ok, records.TryReadNext(out var record));
                Assert.Equal((43L, SampleBatch.SecondTimestamp, false), (record.Offset, record.Timestamp, record.HasKey));
                Assert.Equal("world!"u8, record.Value);
                Assert.Equal(RecordReadStatus.End, records.TryReadNext(out _));
                Assert.False(reader.TryReadSection(out _));
            }),
        Frame("receive-response-empty",
            w => FrameWriter.WriteDelivery(w, Opcode.Receive, FrameFlags.Response, 17, []),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Receive, FrameFlags.Response, 17);
                Assert.True(DeliveryReader.TryCreate(body, out var reader));
                Assert.Equal(0, reader.SectionsLeft);
                Assert.False(reader.TryReadSection(out _));
            }),
        Settle("nack-request", Opcode.Nack, 18, 5_000, [new OffsetRange(2, 43, 1)]),
        Settle("extend-request", Opcode.Extend, 19, 60_000, [new OffsetRange(2, 42, 1)]),
        Settle("ack-request", Opcode.Ack, 20, 0, [new OffsetRange(0, 5, 3), new OffsetRange(0, 10, 1), new OffsetRange(2, 42, 1)]),
        Frame("settle-response",
            w => FrameWriter.WriteSettleResponse(w, Opcode.Ack, 20, 5),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Ack, FrameFlags.Response, 20);
                Assert.Equal("05000000", Hex.Format(body));
            }),
        Frame("subscribe-request",
            w => FrameWriter.WriteSubscribe(w, 21, "orders"u8, "shipping"u8, 1000, 0),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Subscribe, FrameFlags.None, 21);
                Assert.True(SubscribeRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal("shipping"u8, r.Subscription);
                Assert.Equal(1000u, r.Credit);
                Assert.Equal(0u, r.VisibilityTimeoutMs);
            }),
        Frame("deliver-push",
            w => WritePush(w, 21, 2, [new DeliveryRange(43, 1, 3)], SampleBatch.Encode(baseOffset: 42)),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Deliver, FrameFlags.Response | FrameFlags.Push, 21);
                AssertOneSection(body, 2, [new DeliveryRange(43, 1, 3)]);
            }),
        Frame("credit-request",
            w => FrameWriter.WriteCredit(w, 22, 21, 500),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Credit, FrameFlags.None, 22);
                Assert.True(CreditRequest.TryParseCredit(body, out var r));
                Assert.Equal(new CreditRequest(21, 500), r);
            }),
        Frame("unsubscribe-request",
            w => FrameWriter.WriteUnsubscribe(w, 23, 21),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Unsubscribe, FrameFlags.None, 23);
                Assert.True(CreditRequest.TryParseUnsubscribe(body, out var r));
                Assert.Equal(21u, r.PushId);
            }),
        Frame("subscription-request",
            w => FrameWriter.WriteSubscriptionRequest(w, Opcode.DeleteSubscription, 24, "orders"u8, "legacy"u8),
            (h, body) =>
            {
                AssertHeader(h, Opcode.DeleteSubscription, FrameFlags.None, 24);
                Assert.True(SubscriptionRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal("legacy"u8, r.Subscription);
            }),
        Frame("error-unknown-subscription",
            w => FrameWriter.WriteError(w, 25, ErrorCode.UnknownSubscription, "unknown subscription 'legacy' on topic 'orders'"),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Error, FrameFlags.Response, 25);
                Assert.True(ErrorResponse.TryParse(body, out var r));
                Assert.Equal(ErrorCode.UnknownSubscription, r.Code);
                Assert.Equal((ushort)20, (ushort)r.Code);
                Assert.Equal("unknown subscription 'legacy' on topic 'orders'"u8, r.Message);
            }),
    ];

    private static readonly SubscriptionStats SampleStats = new(
        new SubscriptionSettings(30_000, 5, "orders.shipping.dlq", 100_000, AckMode.Explicit) { Filter = "key ~ \"eu.#\"", DeadLetterExpired = true },
        Visible: 120, InFlight: 2, Delayed: 1, DeadLettered: 3, OldestUnackedAgeMs: 8_250,
        Delivered: 1_045, Acked: 917, DeliverRate: 52, AckRate: 49, Filtered: 40, Expired: 2);

    // The sample batch at base offset 42 cut down to its second record (offset 43), as a filtered subscription sends it.
    private static byte[] TrimmedSampleBatch()
    {
        var stored = SampleBatch.Encode(baseOffset: 42);
        const int secondRecord = RecordBatchHeader.Size + 4 + 35;
        var trimmed = new byte[RecordBatchHeader.Size + stored.Length - secondRecord];
        RecordBatch.WriteSlice(stored, secondRecord, stored.Length, firstIndex: 1, count: 1, trimmed);
        return trimmed;
    }

    private static SpecVector Settle(string name, Opcode opcode, uint requestId, uint argument, OffsetRange[] ranges) => Frame(name,
        w => FrameWriter.WriteSettle(w, opcode, requestId, "orders"u8, "shipping"u8, argument, ranges),
        (h, body) =>
        {
            AssertHeader(h, opcode, FrameFlags.None, requestId);
            Assert.True(SettleRequest.TryParse(body, out var r));
            Assert.Equal("orders"u8, r.Topic);
            Assert.Equal("shipping"u8, r.Subscription);
            Assert.Equal(argument, r.Argument);
            Assert.Equal(ranges.Length, r.RangeCount);
            var reader = r.Ranges;
            foreach (var expected in ranges)
            {
                Assert.True(reader.TryReadNext(out var actual));
                Assert.Equal(expected, actual);
            }
            Assert.False(reader.TryReadNext(out _));
        });

    /// <summary>Writes a Deliver push the way a broker does: frame prefix and section prefix into one span, then the
    /// stored batch bytes after them.</summary>
    private static void WritePush(IBufferWriter<byte> output, uint pushId, int partition, DeliveryRange[] ranges, byte[] batches)
    {
        int bodyLength = 4 + FrameWriter.DeliverySectionPrefixSize(ranges.Length) + batches.Length;
        var span = output.GetSpan(FrameHeader.Size + bodyLength);
        FrameWriter.WriteDeliveryPrefix(span, Opcode.Deliver, FrameFlags.Response | FrameFlags.Push, pushId, bodyLength, 1);
        int at = FrameWriter.DeliveryPrefixSize;
        at += FrameWriter.WriteDeliverySectionPrefix(span[at..], partition, ranges, batches.Length);
        batches.CopyTo(span[at..]);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    /// <summary>The body is one section of <paramref name="partition"/> with exactly these ranges, carrying the
    /// sample batch at base offset 42.</summary>
    private static void AssertOneSection(byte[] body, int partition, DeliveryRange[] ranges)
    {
        Assert.True(DeliveryReader.TryCreate(body, out var reader));
        Assert.Equal(1, reader.SectionsLeft);
        Assert.True(reader.TryReadSection(out var section));
        Assert.Equal(partition, section.Partition);
        Assert.Equal(ranges.Length, section.RangeCount);
        for (int i = 0; i < ranges.Length; i++)
            Assert.Equal(ranges[i], section.GetRange(i));
        SampleBatch.AssertDecoded(section.Batches, baseOffset: 42);
        Assert.False(reader.TryReadSection(out _));
    }
}
