using System.Buffers.Binary;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Tests.Support;
using FastBroker.Wire.Tests.Vectors;

namespace FastBroker.Wire.Tests.Queues;

/// <summary>
/// Work-queue bodies whose counts or lengths lie are refused: a count that points past the end, one that leaves
/// bytes over, one so large that multiplying it by an entry size wraps 32 bits. Truncation and trailing bytes in
/// general are covered for these parsers by <see cref="ParserRejectionTests"/>.
/// </summary>
public class QueueParserRejectionTests
{
    /// <summary>The parser a case is fed to.</summary>
    public enum Parser { Settle, Delivery, CreateSubscription, Receive, Subscribe, Stats }

    // Ack body: "orders", "shipping", argument, 2 sections: partition 0 with 2 ranges, partition 2 with 1 range.
    private const int SettleSections = 22, Settle0Ranges = 30, Settle1Partition = 58, Settle1Ranges = 62, SettleEnd = 78;

    // Delivery body: 2 sections, each one range over a sample batch (partition 0 at base 5, partition 2 at base 42).
    private const int DeliverySections = 0, Delivery0Ranges = 8, Delivery0BatchBytes = 26;
    private const int Delivery1 = Delivery0BatchBytes + 4 + SampleBatch.Length;
    private const int Delivery1Ranges = Delivery1 + 4, Delivery1BatchBytes = Delivery1 + 8 + DeliveryRange.Size;
    private const int DeliveryEnd = Delivery1BatchBytes + 4 + SampleBatch.Length;

    // CreateSubscription body: "orders" at 0, "shipping" at 8, visibility 18, max deliveries 22, dlq "orders.dlq" at 24.
    private const int CreateSubscriptionTopic = 0, CreateSubscriptionName = 8, CreateSubscriptionDlq = 24;

    // Stats body: visibility 0, max deliveries 4, dlq "orders.shipping.dlq" at 6.
    private const int StatsDlq = 6;

    /// <summary>Smallest u32 whose product with the size of one settle range wraps 32 bits to a few bytes.</summary>
    private const uint SettleRangesThatWrap = (uint)((1UL << 32) / OffsetRange.Size + 1);

    /// <summary>Likewise for one delivery range.</summary>
    private const uint DeliveryRangesThatWrap = (uint)((1UL << 32) / DeliveryRange.Size + 1);

    private static readonly Dictionary<string, (Parser Parser, Func<byte[]> Body)> Cases = new()
    {
        ["settle: one section more than sent"] = (Parser.Settle, () => Settle(b => U32(b, SettleSections, 3))),
        ["settle: one section fewer than sent"] = (Parser.Settle, () => Settle(b => U32(b, SettleSections, 1))),
        ["settle: section count u32 max"] = (Parser.Settle, () => Settle(b => U32(b, SettleSections, uint.MaxValue))),
        ["settle: one range more than sent"] = (Parser.Settle, () => Settle(b => U32(b, Settle0Ranges, 3))),
        ["settle: one range fewer than sent"] = (Parser.Settle, () => Settle(b => U32(b, Settle0Ranges, 1))),
        ["settle: range count u32 max"] = (Parser.Settle, () => Settle(b => U32(b, Settle0Ranges, uint.MaxValue))),
        ["settle: range count whose byte size wraps 32 bits exactly"] = (Parser.Settle, () => SettleThatWrapsExactly()),
        ["settle: last section's range count past the end"] = (Parser.Settle, () => Settle(b => U32(b, Settle1Ranges, 2))),
        ["settle: last section without its ranges"] = (Parser.Settle, () => Settle(b => b[..(Settle1Ranges + 4)])),
        ["settle: last section cut after its partition"] = (Parser.Settle, () => Settle(b => b[..(Settle1Partition + 4)])),
        ["settle: topic length past the end"] = (Parser.Settle, () => Settle(b => U16(b, 0, ushort.MaxValue))),
        ["settle: subscription length one too long"] = (Parser.Settle, () => Settle(b => U16(b, 8, 9))),
        ["settle: zero sections then a stray byte"] = (Parser.Settle, () => Settle(b => [.. b[..SettleSections], 0, 0, 0, 0, 0])),

        ["delivery: one section more than sent"] = (Parser.Delivery, () => Delivery(b => U32(b, DeliverySections, 3))),
        ["delivery: one section fewer than sent"] = (Parser.Delivery, () => Delivery(b => U32(b, DeliverySections, 1))),
        ["delivery: section count u32 max"] = (Parser.Delivery, () => Delivery(b => U32(b, DeliverySections, uint.MaxValue))),
        ["delivery: one range more than sent"] = (Parser.Delivery, () => Delivery(b => U32(b, Delivery0Ranges, 2))),
        ["delivery: one range fewer than sent"] = (Parser.Delivery, () => Delivery(b => U32(b, Delivery0Ranges, 0))),
        ["delivery: range count u32 max"] = (Parser.Delivery, () => Delivery(b => U32(b, Delivery0Ranges, uint.MaxValue))),
        ["delivery: range count whose byte size wraps 32 bits exactly"] = (Parser.Delivery, () => DeliveryThatWrapsExactly()),
        ["delivery: last section's range count past the end"] = (Parser.Delivery, () => Delivery(b => U32(b, Delivery1Ranges, 2))),
        ["delivery: batch bytes one past the end"] = (Parser.Delivery, () => Delivery(b => U32(b, Delivery1BatchBytes, SampleBatch.Length + 1))),
        ["delivery: batch bytes one short"] = (Parser.Delivery, () => Delivery(b => U32(b, Delivery1BatchBytes, SampleBatch.Length - 1))),
        ["delivery: batch bytes u32 max"] = (Parser.Delivery, () => Delivery(b => U32(b, Delivery1BatchBytes, uint.MaxValue))),
        ["delivery: batch bytes int max"] = (Parser.Delivery, () => Delivery(b => U32(b, Delivery0BatchBytes, int.MaxValue))),
        ["delivery: first section's batch bytes reach into the next"] = (Parser.Delivery, () => Delivery(b => U32(b, Delivery0BatchBytes, SampleBatch.Length + 8))),
        ["delivery: batch bytes field missing"] = (Parser.Delivery, () => Delivery(b => b[..Delivery1BatchBytes])),
        ["delivery: batch cut short"] = (Parser.Delivery, () => Delivery(b => b[..(DeliveryEnd - 1)])),
        ["delivery: a stray byte after the batches"] = (Parser.Delivery, () => Delivery(b => [.. b, 0])),
        ["delivery: zero sections then a stray byte"] = (Parser.Delivery, () => [0, 0, 0, 0, 0]),
        ["delivery: shorter than its section count"] = (Parser.Delivery, () => [1, 0, 0]),

        ["create-subscription: topic length past the end"] = (Parser.CreateSubscription, () => CreateSubscription(b => U16(b, CreateSubscriptionTopic, ushort.MaxValue))),
        ["create-subscription: subscription length one too long"] = (Parser.CreateSubscription, () => CreateSubscription(b => U16(b, CreateSubscriptionName, 9))),
        ["create-subscription: subscription length one too short"] = (Parser.CreateSubscription, () => CreateSubscription(b => U16(b, CreateSubscriptionName, 7))),
        ["create-subscription: dead-letter length past the end"] = (Parser.CreateSubscription, () => CreateSubscription(b => U16(b, CreateSubscriptionDlq, 200))),
        ["create-subscription: dead-letter length one too short"] = (Parser.CreateSubscription, () => CreateSubscription(b => U16(b, CreateSubscriptionDlq, 9))),
        ["create-subscription: without its ack mode byte"] = (Parser.CreateSubscription, () => CreateSubscription(b => b[..^1])),
        ["create-subscription: one stray byte after the ack mode"] = (Parser.CreateSubscription, () => CreateSubscription(b => [.. b, 0])),
        ["create-subscription: a filter without the options byte"] = (Parser.CreateSubscription, () => CreateSubscription(b => [.. b, 1, 0, (byte)'x'])),
        ["create-subscription: filter length past the end"] = (Parser.CreateSubscription, () => CreateSubscription(b => [.. b, 9, 0, (byte)'x', 0])),
        ["create-subscription: a stray byte after the options"] = (Parser.CreateSubscription, () => CreateSubscription(b => [.. b, 0, 0, 1, 0])),

        ["receive: topic length one too long"] = (Parser.Receive, () => Receive(b => U16(b, 0, 7))),
        ["receive: topic length one too short"] = (Parser.Receive, () => Receive(b => U16(b, 0, 5))),
        ["receive: subscription length u16 max"] = (Parser.Receive, () => Receive(b => U16(b, 8, ushort.MaxValue))),
        ["receive: without its visibility"] = (Parser.Receive, () => Receive(b => b[..^4])),

        ["subscribe: topic length one too long"] = (Parser.Subscribe, () => Subscribe(b => U16(b, 0, 7))),
        ["subscribe: subscription length one too short"] = (Parser.Subscribe, () => Subscribe(b => U16(b, 8, 7))),
        ["subscribe: without its visibility"] = (Parser.Subscribe, () => Subscribe(b => b[..^4])),
        ["subscribe: a stray byte after the visibility"] = (Parser.Subscribe, () => Subscribe(b => [.. b, 0])),

        ["stats: dead-letter length one too long"] = (Parser.Stats, () => Stats(b => U16(b, StatsDlq, 20))),
        ["stats: dead-letter length one too short"] = (Parser.Stats, () => Stats(b => U16(b, StatsDlq, 18))),
        ["stats: dead-letter length u16 max"] = (Parser.Stats, () => Stats(b => U16(b, StatsDlq, ushort.MaxValue))),
        ["stats: without the ack rate"] = (Parser.Stats, () => Stats(b => b[..^23])),
        ["stats: without the filtered and later fields (the first version's body)"] = (Parser.Stats, () => Stats(b => b[..^19])),
        ["stats: without the options byte"] = (Parser.Stats, () => Stats(b => b[..^1])),
        ["stats: a stray byte after the options"] = (Parser.Stats, () => Stats(b => [.. b, 0])),
    };

    public static TheoryData<string> MalformedCases() => [.. Cases.Keys];

    public static TheoryData<int> CreditLengths() => [0, 1, 3, 4, 7, 9, 12];

    public static TheoryData<int> UnsubscribeLengths() => [0, 1, 3, 5, 8];

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public void Malformed_body_is_rejected(string name)
    {
        var (parser, make) = Cases[name];
        byte[] body = make();
        Assert.False(TryParse(parser, body), $"'{name}' was accepted");
    }

    [Theory]
    [InlineData(Parser.Settle)]
    [InlineData(Parser.Delivery)]
    [InlineData(Parser.CreateSubscription)]
    [InlineData(Parser.Receive)]
    [InlineData(Parser.Subscribe)]
    [InlineData(Parser.Stats)]
    public void Unchanged_body_the_cases_start_from_is_accepted(Parser parser)
    {
        // The malformed cases above edit these bodies; if the originals failed, every case would pass vacuously.
        byte[] body = parser switch
        {
            Parser.Settle => Settle(b => b),
            Parser.Delivery => Delivery(b => b),
            Parser.CreateSubscription => CreateSubscription(b => b),
            Parser.Receive => Receive(b => b),
            Parser.Subscribe => Subscribe(b => b),
            _ => Stats(b => b),
        };
        Assert.True(TryParse(parser, body));
    }

    [Fact]
    public void Layout_offsets_the_cases_use_match_the_encoded_bodies()
    {
        var settle = Settle(b => b);
        Assert.Equal(SettleEnd, settle.Length);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(settle.AsSpan(SettleSections)));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(settle.AsSpan(Settle0Ranges)));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(settle.AsSpan(Settle1Partition)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(settle.AsSpan(Settle1Ranges)));

        var delivery = Delivery(b => b);
        Assert.Equal(DeliveryEnd, delivery.Length);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(delivery.AsSpan(Delivery0Ranges)));
        Assert.Equal((uint)SampleBatch.Length, BinaryPrimitives.ReadUInt32LittleEndian(delivery.AsSpan(Delivery0BatchBytes)));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(delivery.AsSpan(Delivery1)));
        Assert.Equal((uint)SampleBatch.Length, BinaryPrimitives.ReadUInt32LittleEndian(delivery.AsSpan(Delivery1BatchBytes)));

        Assert.Equal(10, BinaryPrimitives.ReadUInt16LittleEndian(CreateSubscription(b => b).AsSpan(CreateSubscriptionDlq)));
        Assert.Equal(19, BinaryPrimitives.ReadUInt16LittleEndian(Stats(b => b).AsSpan(StatsDlq)));
        Assert.True(unchecked(SettleRangesThatWrap * (uint)OffsetRange.Size) < 16);
        Assert.True(unchecked(DeliveryRangesThatWrap * (uint)DeliveryRange.Size) < 16);
    }

    [Theory]
    [MemberData(nameof(CreditLengths))]
    public void Credit_body_must_be_exactly_eight_bytes(int length)
    {
        Assert.False(CreditRequest.TryParseCredit(new byte[length], out _));
        Assert.True(CreditRequest.TryParseCredit(new byte[8], out _));
    }

    [Theory]
    [MemberData(nameof(UnsubscribeLengths))]
    public void Unsubscribe_body_must_be_exactly_four_bytes(int length)
    {
        Assert.False(CreditRequest.TryParseUnsubscribe(new byte[length], out _));
        Assert.True(CreditRequest.TryParseUnsubscribe(new byte[4], out _));
    }

    [Fact]
    public void Delivery_section_with_no_ranges_and_no_batches_still_parses()
    {
        // The broker never sends one, but the grammar allows it, and it must not confuse the reader.
        byte[] body = [1, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.True(DeliveryReader.TryCreate(body, out var reader));
        Assert.True(reader.TryReadSection(out var section));
        Assert.Equal(9, section.Partition);
        Assert.Equal(0, section.RangeCount);
        Assert.True(section.Batches.IsEmpty);
        Assert.False(reader.TryReadSection(out _));
    }

    private static bool TryParse(Parser parser, byte[] body) => parser switch
    {
        Parser.Settle => SettleRequest.TryParse(body, out _),
        Parser.Delivery => DeliveryReader.TryCreate(body, out _),
        Parser.CreateSubscription => CreateSubscriptionRequest.TryParse(body, out _),
        Parser.Receive => ReceiveRequest.TryParse(body, out _),
        Parser.Subscribe => SubscribeRequest.TryParse(body, out _),
        Parser.Stats => SubscriptionStats.TryParse(body, out _),
        _ => throw new ArgumentOutOfRangeException(nameof(parser)),
    };

    private static byte[] Settle(Func<byte[], byte[]> edit) => edit(BodyOf(w => FrameWriter.WriteSettle(w, Opcode.Ack, 1, "orders"u8, "shipping"u8, 0,
        [new OffsetRange(0, 5, 3), new OffsetRange(0, 10, 1), new OffsetRange(2, 42, 1)])));

    private static byte[] Delivery(Func<byte[], byte[]> edit) => edit(BodyOf(w => FrameWriter.WriteDelivery(w, Opcode.Receive, FrameFlags.Response, 1,
        [(0, [new DeliveryRange(5, 2, 1)], SampleBatch.Encode(5)), (2, [new DeliveryRange(43, 1, 2)], SampleBatch.Encode(42))])));

    private static byte[] CreateSubscription(Func<byte[], byte[]> edit) => edit(BodyOf(w =>
        FrameWriter.WriteCreateSubscription(w, 1, "orders"u8, "shipping"u8, 30_000, 5, "orders.dlq"u8, 100_000, AckMode.Explicit)));

    private static byte[] Receive(Func<byte[], byte[]> edit) => edit(BodyOf(w => FrameWriter.WriteReceive(w, 1, "orders"u8, "shipping"u8, 10, 1000, 0, 0)));

    private static byte[] Subscribe(Func<byte[], byte[]> edit) => edit(BodyOf(w => FrameWriter.WriteSubscribe(w, 1, "orders"u8, "shipping"u8, 100, 0)));

    private static byte[] Stats(Func<byte[], byte[]> edit) => edit(BodyOf(w => FrameWriter.WriteSubscriptionStatsResponse(w, 1,
        new SubscriptionStats(SubscriptionSettings.Default with { DeadLetterTopic = "orders.shipping.dlq" }, 1, 2, 3, 4, 5, 6, 7, 8, 9))));

    /// <summary>One section whose range count times 12 wraps 32 bits to exactly the range bytes that follow it, so
    /// only a parser that does the size arithmetic in 64 bits refuses it.</summary>
    private static byte[] SettleThatWrapsExactly()
    {
        int wrapped = (int)unchecked(SettleRangesThatWrap * (uint)OffsetRange.Size);
        byte[] body = [.. Settle(b => b[..SettleSections]), .. new byte[4 + 8 + wrapped]];
        U32(body, SettleSections, 1);
        return U32(body, SettleSections + 8, SettleRangesThatWrap);
    }

    /// <summary>Likewise for a delivery section, followed by an empty batch run.</summary>
    private static byte[] DeliveryThatWrapsExactly()
    {
        int wrapped = (int)unchecked(DeliveryRangesThatWrap * (uint)DeliveryRange.Size);
        byte[] body = new byte[4 + 8 + wrapped + 4];
        U32(body, 0, 1);
        return U32(body, Delivery0Ranges, DeliveryRangesThatWrap);
    }

    private static byte[] U32(byte[] body, int at, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(at), value);
        return body;
    }

    private static byte[] U16(byte[] body, int at, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(at), value);
        return body;
    }

    private static byte[] BodyOf(Action<System.Buffers.ArrayBufferWriter<byte>> write) => Frames.Encode(write)[FrameHeader.Size..];
}
