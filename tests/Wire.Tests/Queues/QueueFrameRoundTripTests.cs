using System.Text;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests.Queues;

/// <summary>Every work-queue frame FrameWriter writes comes back field for field through its parser.</summary>
public class QueueFrameRoundTripTests
{
    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Create_subscription_round_trips(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt(), visibility = data.UInt(), maxInFlight = data.UInt();
        ushort maxDeliveries = (ushort)data.Int(0, 65536);
        var ackMode = (AckMode)data.Int(0, 256);
        byte[] topic = Ascii(data.TopicName()), subscription = Ascii(data.TopicName());
        byte[] dlq = data.Chance(0.3) ? [] : Ascii(data.TopicName());

        var (header, body) = ParseSingle(Encode(w =>
            FrameWriter.WriteCreateSubscription(w, id, topic, subscription, visibility, maxDeliveries, dlq, maxInFlight, ackMode)));

        AssertHeader(header, Opcode.CreateSubscription, FrameFlags.None, id);
        Assert.True(CreateSubscriptionRequest.TryParse(body, out var request));
        Assert.Equal(topic, request.Topic.ToArray());
        Assert.Equal(subscription, request.Subscription.ToArray());
        Assert.Equal(visibility, request.VisibilityTimeoutMs);
        Assert.Equal(maxDeliveries, request.MaxDeliveries);
        Assert.Equal(dlq, request.DeadLetterTopic.ToArray());
        Assert.Equal(maxInFlight, request.MaxInFlight);
        Assert.Equal(ackMode, request.AckMode);
    }

    [Theory]
    [InlineData(Opcode.DeleteSubscription, 1)]
    [InlineData(Opcode.DeleteSubscription, 2)]
    [InlineData(Opcode.SubscriptionStats, 3)]
    [InlineData(Opcode.SubscriptionStats, 4)]
    public void Subscription_request_round_trips(Opcode opcode, int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt();
        byte[] topic = Ascii(data.TopicName()), subscription = Ascii(data.TopicName());

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteSubscriptionRequest(w, opcode, id, topic, subscription)));

        AssertHeader(header, opcode, FrameFlags.None, id);
        Assert.True(SubscriptionRequest.TryParse(body, out var request));
        Assert.Equal(topic, request.Topic.ToArray());
        Assert.Equal(subscription, request.Subscription.ToArray());
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Subscription_stats_response_round_trips(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt();
        var settings = new SubscriptionSettings(data.UInt(), (ushort)data.Int(0, 65536), data.TopicName(), data.UInt(),
            (AckMode)data.Int(0, 256));
        var stats = new SubscriptionStats(settings, data.Long(0, long.MaxValue), data.Long(0, long.MaxValue),
            data.Long(0, long.MaxValue), data.Long(0, long.MaxValue), data.Chance(0.3) ? -1 : data.Long(0, long.MaxValue),
            data.Long(0, long.MaxValue), data.Long(0, long.MaxValue), data.UInt(), data.UInt());

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteSubscriptionStatsResponse(w, id, stats)));

        AssertHeader(header, Opcode.SubscriptionStats, FrameFlags.Response, id);
        Assert.True(SubscriptionStats.TryParse(body, out var parsed));
        Assert.Equal(stats, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("orders.dlq")]
    [InlineData("dead-letters-\u00e9\u20ac\u4e2d")]
    public void Subscription_stats_response_keeps_the_dead_letter_name_as_utf8(string dlq)
    {
        var stats = new SubscriptionStats(SubscriptionSettings.Default with { DeadLetterTopic = dlq }, 1, 2, 3, 4, -1, 5, 6, 7, 8);
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteSubscriptionStatsResponse(w, 1, stats)));
        // 77 bytes of fixed fields, then filtered, expired, an empty filter and the options byte (19 more).
        Assert.Equal(96 + Encoding.UTF8.GetByteCount(dlq), body.Length);
        Assert.True(SubscriptionStats.TryParse(body, out var parsed));
        Assert.Equal(dlq, parsed.Settings.DeadLetterTopic);
    }

    [Fact]
    public void Subscription_stats_response_carries_a_longest_filter_and_the_options()
    {
        string filter = "key = \"" + new string('k', MessageFilterMaxBytes - 9) + "\"";
        var settings = SubscriptionSettings.Default with { DeadLetterTopic = "d", Filter = filter, DeadLetterExpired = true, KeyOrdered = true };
        var stats = new SubscriptionStats(settings, 0, 0, 0, 0, -1, 0, 0, 0, 0, Filtered: long.MaxValue, Expired: 3);
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteSubscriptionStatsResponse(w, 1, stats)));
        Assert.True(SubscriptionStats.TryParse(body, out var parsed));
        Assert.Equal(stats, parsed);
        Assert.Null(settings.Validate());
        Assert.False(SubscriptionStats.TryParse(body[..^1], out _));
    }

    private const int MessageFilterMaxBytes = FastBroker.Wire.Filters.MessageFilter.MaxBytes;

    [Fact]
    public void Subscription_stats_response_carries_a_longest_topic_name_as_dead_letter_topic()
    {
        string dlq = new('d', Protocol.MaxTopicNameBytes);
        var stats = new SubscriptionStats(SubscriptionSettings.Default with { DeadLetterTopic = dlq }, 0, 0, 0, 0, -1, 0, 0, 0, 0);
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteSubscriptionStatsResponse(w, 1, stats)));
        Assert.True(SubscriptionStats.TryParse(body, out var parsed));
        Assert.Equal(stats, parsed);
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Receive_request_round_trips(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt(), max = data.UInt(), maxBytes = data.UInt(), wait = data.UInt(), visibility = data.UInt();
        byte[] topic = Ascii(data.TopicName()), subscription = Ascii(data.TopicName());

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteReceive(w, id, topic, subscription, max, maxBytes, wait, visibility)));

        AssertHeader(header, Opcode.Receive, FrameFlags.None, id);
        Assert.True(ReceiveRequest.TryParse(body, out var request));
        Assert.Equal(topic, request.Topic.ToArray());
        Assert.Equal(subscription, request.Subscription.ToArray());
        Assert.Equal(max, request.MaxMessages);
        Assert.Equal(maxBytes, request.MaxBytes);
        Assert.Equal(wait, request.MaxWaitMs);
        Assert.Equal(visibility, request.VisibilityTimeoutMs);
    }

    public static TheoryData<Opcode, int> SettleCases()
    {
        var cases = new TheoryData<Opcode, int>();
        foreach (var opcode in new[] { Opcode.Ack, Opcode.Nack, Opcode.Extend })
        {
            foreach (int seed in new[] { 1, 2, 3, 5, 8 })
                cases.Add(opcode, seed);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(SettleCases))]
    public void Settle_request_round_trips_its_ranges_in_order(Opcode opcode, int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt(), argument = data.UInt();
        byte[] topic = Ascii(data.TopicName()), subscription = Ascii(data.TopicName());
        var ranges = new OffsetRange[data.Int(0, 200)];
        for (int i = 0; i < ranges.Length; i++)
        {
            // Mostly runs of one partition, sometimes a jump back to one seen before: any order is valid.
            int partition = i > 0 && data.Chance(0.8) ? ranges[i - 1].Partition : data.Int(0, Protocol.MaxPartitions);
            ranges[i] = new OffsetRange(partition, data.Long(0, long.MaxValue / 2), data.Int(0, int.MaxValue));
        }

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteSettle(w, opcode, id, topic, subscription, argument, ranges)));

        AssertHeader(header, opcode, FrameFlags.None, id);
        Assert.True(SettleRequest.TryParse(body, out var request));
        Assert.Equal(topic, request.Topic.ToArray());
        Assert.Equal(subscription, request.Subscription.ToArray());
        Assert.Equal(argument, request.Argument);
        Assert.True(QueueBodies.TryReadSettle(body, out var parsed));
        Assert.Equal(ranges, parsed);
        Assert.Equal((uint)PartitionRuns(ranges), QueueBodies.SettleSectionCount(body));
    }

    [Fact]
    public void Settle_request_puts_consecutive_ranges_of_one_partition_in_one_section()
    {
        OffsetRange[] ranges = [new(3, 10, 2), new(3, 20, 1), new(1, 5, 1), new(3, 30, 4)];
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteSettle(w, Opcode.Ack, 1, "t"u8, "s"u8, 0, ranges)));
        Assert.Equal(3u, QueueBodies.SettleSectionCount(body));
        Assert.Equal(3 + 3 + 4 + 4 + 3 * 8 + 4 * OffsetRange.Size, body.Length);
        Assert.True(QueueBodies.TryReadSettle(body, out var parsed));
        Assert.Equal(ranges, parsed);
    }

    [Fact]
    public void Settle_request_without_ranges_has_zero_sections()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteSettle(w, Opcode.Ack, 1, "t"u8, "s"u8, 0, [])));
        Assert.True(SettleRequest.TryParse(body, out var request));
        Assert.Equal(0, request.RangeCount);
        Assert.Equal(0u, QueueBodies.SettleSectionCount(body));
        var reader = request.Ranges;
        Assert.False(reader.TryReadNext(out _));
    }

    [Theory]
    [InlineData(Opcode.Ack, 0u)]
    [InlineData(Opcode.Nack, 17u)]
    [InlineData(Opcode.Extend, uint.MaxValue)]
    public void Settle_response_round_trips(Opcode opcode, uint applied)
    {
        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteSettleResponse(w, opcode, 9, applied)));
        AssertHeader(header, opcode, FrameFlags.Response, 9);
        var r = new SpanReader(body);
        Assert.True(r.TryReadUInt32(out uint parsed));
        Assert.True(r.End);
        Assert.Equal(applied, parsed);
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Subscribe_request_round_trips(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt(), credit = data.UInt(), visibility = data.UInt();
        byte[] topic = Ascii(data.TopicName()), subscription = Ascii(data.TopicName());

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteSubscribe(w, id, topic, subscription, credit, visibility)));

        AssertHeader(header, Opcode.Subscribe, FrameFlags.None, id);
        Assert.True(SubscribeRequest.TryParse(body, out var request));
        Assert.Equal(topic, request.Topic.ToArray());
        Assert.Equal(subscription, request.Subscription.ToArray());
        Assert.Equal(credit, request.Credit);
        Assert.Equal(visibility, request.VisibilityTimeoutMs);
    }

    [Theory]
    [InlineData(1u, 0u)]
    [InlineData(21u, 500u)]
    [InlineData(uint.MaxValue, uint.MaxValue)]
    public void Credit_and_unsubscribe_round_trip(uint pushId, uint credit)
    {
        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteCredit(w, 7, pushId, credit)));
        AssertHeader(header, Opcode.Credit, FrameFlags.None, 7);
        Assert.True(CreditRequest.TryParseCredit(body, out var request));
        Assert.Equal(new CreditRequest(pushId, credit), request);

        (header, body) = ParseSingle(Encode(w => FrameWriter.WriteUnsubscribe(w, 8, pushId)));
        AssertHeader(header, Opcode.Unsubscribe, FrameFlags.None, 8);
        Assert.True(CreditRequest.TryParseUnsubscribe(body, out request));
        Assert.Equal(new CreditRequest(pushId, 0), request);
    }

    public static TheoryData<Opcode, FrameFlags, int> DeliveryCases() => new()
    {
        { Opcode.Receive, FrameFlags.Response, 1 },
        { Opcode.Receive, FrameFlags.Response, 2 },
        { Opcode.Receive, FrameFlags.Response, 3 },
        { Opcode.Deliver, FrameFlags.Response | FrameFlags.Push, 5 },
        { Opcode.Deliver, FrameFlags.Response | FrameFlags.Push, 8 },
        { Opcode.Deliver, FrameFlags.Response | FrameFlags.Push, 13 },
    };

    [Theory]
    [MemberData(nameof(DeliveryCases))]
    public void Delivery_round_trips_its_sections_ranges_and_batches(Opcode opcode, FrameFlags flags, int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt();
        var sections = RandomSections(data);

        var frame = Encode(w => FrameWriter.WriteDelivery(w, opcode, flags, id, sections));
        var (header, body) = ParseSingle(frame);

        AssertHeader(header, opcode, flags, id);
        Assert.True(QueueBodies.TryReadDelivery(body, out var parsed));
        Assert.Equal(sections.Count, parsed.Count);
        for (int i = 0; i < sections.Count; i++)
        {
            Assert.Equal(sections[i].Partition, parsed[i].Partition);
            Assert.Equal(sections[i].Ranges, parsed[i].Ranges);
            Assert.Equal(sections[i].Batches.ToArray(), parsed[i].Batches);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Delivery_written_from_prefixes_is_the_same_as_written_whole(int seed)
    {
        var data = new RandomData(seed);
        var sections = RandomSections(data);
        var whole = Encode(w => FrameWriter.WriteDelivery(w, Opcode.Deliver, FrameFlags.Response | FrameFlags.Push, 77, sections));

        int bodyLength = 4;
        foreach (var (_, ranges, batches) in sections)
            bodyLength += FrameWriter.DeliverySectionPrefixSize(ranges.Length) + batches.Length;
        var pieces = new byte[FrameHeader.Size + bodyLength];
        FrameWriter.WriteDeliveryPrefix(pieces, Opcode.Deliver, FrameFlags.Response | FrameFlags.Push, 77, bodyLength, sections.Count);
        int at = FrameWriter.DeliveryPrefixSize;
        foreach (var (partition, ranges, batches) in sections)
        {
            int written = FrameWriter.WriteDeliverySectionPrefix(pieces.AsSpan(at), partition, ranges, batches.Length);
            Assert.Equal(FrameWriter.DeliverySectionPrefixSize(ranges.Length), written);
            at += written;
            batches.Span.CopyTo(pieces.AsSpan(at));
            at += batches.Length;
        }

        Assert.Equal(pieces.Length, at);
        Assert.Equal(Hex.Format(whole), Hex.Format(pieces));
    }

    [Fact]
    public void Delivery_without_sections_is_four_zero_bytes()
    {
        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteDelivery(w, Opcode.Receive, FrameFlags.Response, 3, [])));
        AssertHeader(header, Opcode.Receive, FrameFlags.Response, 3);
        Assert.Equal(new byte[4], body);
        Assert.True(DeliveryReader.TryCreate(body, out var reader));
        Assert.Equal(0, reader.SectionsLeft);
        Assert.False(reader.TryReadSection(out _));
    }

    [Fact]
    public void Delivery_reader_counts_down_the_sections_it_has_left()
    {
        var batch = Vectors.SampleBatch.Encode(0);
        var frame = Encode(w => FrameWriter.WriteDelivery(w, Opcode.Receive, FrameFlags.Response, 1,
            [(0, [new DeliveryRange(0, 2, 1)], batch), (1, [new DeliveryRange(0, 1, 4)], batch)]));
        var (_, body) = ParseSingle(frame);
        Assert.True(DeliveryReader.TryCreate(body, out var reader));
        Assert.Equal(2, reader.SectionsLeft);
        Assert.True(reader.TryReadSection(out var first));
        Assert.Equal(1, reader.SectionsLeft);
        Assert.Equal(0, first.Partition);
        Assert.True(reader.TryReadSection(out var second));
        Assert.Equal(0, reader.SectionsLeft);
        Assert.Equal(new DeliveryRange(0, 1, 4), second.GetRange(0));
        Assert.False(reader.TryReadSection(out _));
    }

    [Fact]
    public void Counts_above_int_max_read_as_int_max_rather_than_negative()
    {
        // A count is a u32 on the wire; the readers hand out ints and must never turn a huge count into a
        // negative one, which a caller could take as "nothing" or use to walk backwards.
        var settle = Encode(w => FrameWriter.WriteSettle(w, Opcode.Ack, 1, "t"u8, "s"u8, 0, [new OffsetRange(0, 0, -1)]));
        Assert.True(QueueBodies.TryReadSettle(ParseSingle(settle).Body, out var ranges));
        Assert.Equal(int.MaxValue, Assert.Single(ranges).Count);

        var delivery = Encode(w => FrameWriter.WriteDelivery(w, Opcode.Receive, FrameFlags.Response, 1,
            [(0, [new DeliveryRange(0, -1, 1)], ReadOnlyMemory<byte>.Empty)]));
        Assert.True(QueueBodies.TryReadDelivery(ParseSingle(delivery).Body, out var sections));
        Assert.Equal(int.MaxValue, Assert.Single(Assert.Single(sections).Ranges).Count);
    }

    private static List<(int Partition, DeliveryRange[] Ranges, ReadOnlyMemory<byte> Batches)> RandomSections(RandomData data)
    {
        var sections = new List<(int, DeliveryRange[], ReadOnlyMemory<byte>)>();
        for (int s = data.Int(1, 5); s > 0; s--)
        {
            long offset = data.Long(0, 1_000_000);
            var records = data.Records(data.Int(1, 12), data.Long(0, 4_000_000_000_000));
            var batch = RandomData.Encode(records);
            RecordBatch.SetBaseOffset(batch, offset);
            var ranges = new List<DeliveryRange>();
            for (int i = 0; i < records.Count; i++)
            {
                if (data.Chance(0.3)) continue;
                int count = data.Int(1, records.Count - i + 1);
                ranges.Add(new DeliveryRange(offset + i, count, (ushort)data.Int(1, 65536)));
                i += count;
            }
            if (ranges.Count == 0) ranges.Add(new DeliveryRange(offset, 1, 1));
            sections.Add((data.Int(0, Protocol.MaxPartitions), [.. ranges], batch));
        }
        return sections;
    }

    private static int PartitionRuns(ReadOnlySpan<OffsetRange> ranges)
    {
        int runs = 0;
        for (int i = 0; i < ranges.Length; i++)
        {
            if (i == 0 || ranges[i].Partition != ranges[i - 1].Partition) runs++;
        }
        return runs;
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
