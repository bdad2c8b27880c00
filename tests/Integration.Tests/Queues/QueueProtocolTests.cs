using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.IntegrationTests.Queues;

/// <summary>The work-queue opcodes spoken byte for byte against the real broker process.</summary>
public sealed class QueueProtocolTests : IAsyncLifetime
{
    private BrokerProcess _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerProcess.StartAsync();
        await using var admin = await RawClient.ConnectAsync(_broker.Endpoint);
        Assert.Equal(ErrorCode.None, (await admin.RequestAsync((w, id) => FrameWriter.WriteCreateTopic(w, id, "jobs"u8, 2))).ErrorCode);
        var created = await admin.RequestAsync((w, id) => FrameWriter.WriteCreateSubscription(w, id, "jobs"u8, "jobs"u8, 30_000, 3, default, 100_000, AckMode.Explicit));
        Assert.Equal(ErrorCode.None, created.ErrorCode);
        for (int p = 0; p < 2; p++)
        {
            var batch = TestBatches.Numbered(10, 20, seed: p * 100);
            var published = await admin.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "jobs"u8, p, batch));
            Assert.Equal(Opcode.Publish, published.Header.Opcode);
        }
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private static List<(int Partition, long Offset, ushort Deliveries, string Value)> Decode(RawFrame frame)
    {
        Assert.True(DeliveryReader.TryCreate(frame.Body, out var reader), "delivery body parses");
        var messages = new List<(int, long, ushort, string)>();
        while (reader.TryReadSection(out var section))
        {
            var values = new Dictionary<long, string>();
            var batches = section.Batches;
            while (batches.Length > 0)
            {
                int length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(batches[RecordBatchHeader.LengthPosition..]);
                var records = new RecordBatchReader(batches[..length]);
                while (records.TryReadNext(out var record) == RecordReadStatus.Ok)
                    values[record.Offset] = System.Text.Encoding.ASCII.GetString(record.Value).TrimEnd('.');
                batches = batches[length..];
            }
            for (int i = 0; i < section.RangeCount; i++)
            {
                var range = section.GetRange(i);
                for (long offset = range.First; offset < range.End; offset++)
                    messages.Add((section.Partition, offset, range.DeliveryCount, values[offset]));
            }
        }
        return messages;
    }

    private static Task<RawFrame> ReceiveAsync(RawClient client, uint max, uint waitMs = 0, uint visibilityMs = 0)
        => client.RequestAsync((w, id) => FrameWriter.WriteReceive(w, id, "jobs"u8, "jobs"u8, max, 0, waitMs, visibilityMs));

    private static Task<RawFrame> SettleAsync(RawClient client, Opcode opcode, uint argument, params OffsetRange[] ranges)
        => client.RequestAsync((w, id) => FrameWriter.WriteSettle(w, opcode, id, "jobs"u8, "jobs"u8, argument, ranges));

    private static uint Applied(RawFrame frame)
    {
        Assert.Equal(ErrorCode.None, frame.ErrorCode);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(frame.Body);
    }

    [Fact]
    public async Task Receive_ack_and_nack_deliver_each_message_to_one_consumer_at_a_time()
    {
        await using var first = await RawClient.ConnectAsync(_broker.Endpoint);
        await using var second = await RawClient.ConnectAsync(_broker.Endpoint);

        var a = Decode(await ReceiveAsync(first, 12));
        var b = Decode(await ReceiveAsync(second, 100));
        Assert.Equal(12, a.Count);
        Assert.Equal(8, b.Count);
        Assert.Empty(a.Select(m => (m.Partition, m.Offset)).Intersect(b.Select(m => (m.Partition, m.Offset))));
        Assert.All(a.Concat(b), m => Assert.Equal(1, m.Deliveries));
        Assert.Equal(20, a.Concat(b).Select(m => m.Value).Distinct().Count());

        // Nothing visible now: an immediate receive is empty.
        Assert.Empty(Decode(await ReceiveAsync(second, 10)));

        // The second consumer may not nack the first one's messages; the first may.
        var mine = a[0];
        Assert.Equal(0u, Applied(await SettleAsync(second, Opcode.Nack, 0, new OffsetRange(mine.Partition, mine.Offset, 1))));
        Assert.Equal(1u, Applied(await SettleAsync(first, Opcode.Nack, 0, new OffsetRange(mine.Partition, mine.Offset, 1))));
        var again = Decode(await ReceiveAsync(second, 10));
        Assert.Equal([(mine.Partition, mine.Offset, (ushort)2, mine.Value)], again);

        // Acks are counted once, whoever sends them.
        var ranges = b.Select(m => new OffsetRange(m.Partition, m.Offset, 1)).ToArray();
        Assert.Equal(8u, Applied(await SettleAsync(second, Opcode.Ack, 0, ranges)));
        Assert.Equal(0u, Applied(await SettleAsync(first, Opcode.Ack, 0, ranges)));
    }

    [Fact]
    public async Task Closing_a_connection_releases_its_messages_to_others_at_once()
    {
        var doomed = await RawClient.ConnectAsync(_broker.Endpoint);
        var held = Decode(await ReceiveAsync(doomed, 5));
        Assert.Equal(5, held.Count);
        await doomed.DisposeAsync();

        await using var survivor = await RawClient.ConnectAsync(_broker.Endpoint);
        var all = new List<(int Partition, long Offset, ushort Deliveries, string Value)>();
        for (int i = 0; i < 50 && all.Count < 20; i++)
            all.AddRange(Decode(await ReceiveAsync(survivor, 20, waitMs: 200)));
        Assert.Equal(20, all.Count);
        foreach (var m in held)
            Assert.Contains(all, x => x.Partition == m.Partition && x.Offset == m.Offset && x.Deliveries == 2);
    }

    [Fact]
    public async Task Long_poll_receive_returns_when_a_message_is_published()
    {
        await using var consumer = await RawClient.ConnectAsync(_broker.Endpoint);
        Assert.Equal(20, Decode(await ReceiveAsync(consumer, 100)).Count);

        var waiting = ReceiveAsync(consumer, 10, waitMs: 20_000);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        await using var producer = await RawClient.ConnectAsync(_broker.Endpoint);
        var batch = TestBatches.Numbered(1, 10, seed: 500);
        await producer.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "jobs"u8, 1, batch));

        var delivered = Decode(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("m500:", Assert.Single(delivered).Value);
    }

    [Fact]
    public async Task Push_delivery_never_exceeds_the_credit_granted()
    {
        await using var consumer = await RawClient.ConnectAsync(_broker.Endpoint);
        var subscribed = await consumer.RequestAsync((w, id) => FrameWriter.WriteSubscribe(w, id, "jobs"u8, "jobs"u8, 3, 0));
        Assert.Equal(Opcode.Subscribe, subscribed.Header.Opcode);
        uint pushId = subscribed.Header.RequestId;

        int received = 0;
        while (received < 3)
        {
            var frame = await consumer.ReadFrameAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(frame);
            Assert.Equal(Opcode.Deliver, frame.Header.Opcode);
            Assert.Equal(FrameFlags.Response | FrameFlags.Push, frame.Header.Flags);
            Assert.Equal(pushId, frame.Header.RequestId);
            received += Decode(frame).Count;
        }
        Assert.Equal(3, received);
        Assert.True(await consumer.NothingArrivesWithinAsync(TimeSpan.FromMilliseconds(300)));

        await consumer.SendFrameAsync((w, id) => FrameWriter.WriteCredit(w, id, pushId, 4));
        int more = 0;
        while (more < 4)
        {
            var frame = await consumer.ReadFrameAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(frame);
            if (frame.Header.Opcode == Opcode.Credit) continue;
            more += Decode(frame).Count;
        }
        Assert.Equal(4, more);
        Assert.True(await consumer.NothingArrivesWithinAsync(TimeSpan.FromMilliseconds(300)));

        var stats = await consumer.RequestAsync((w, id) => FrameWriter.WriteSubscriptionRequest(w, Opcode.SubscriptionStats, id, "jobs"u8, "jobs"u8));
        Assert.True(SubscriptionStats.TryParse(stats.Body, out var parsed));
        Assert.Equal(7, parsed.InFlight);
        Assert.Equal(13, parsed.Visible);
    }

    [Fact]
    public async Task Bad_queue_requests_get_clear_errors_and_change_nothing()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint);
        var unknown = await client.RequestAsync((w, id) => FrameWriter.WriteReceive(w, id, "jobs"u8, "nobody"u8, 1, 0, 0, 0));
        Assert.Equal(ErrorCode.UnknownSubscription, unknown.ErrorCode);
        var tooMany = await ReceiveAsync(client, Protocol.MaxReceiveMessages + 1);
        Assert.Equal(ErrorCode.InvalidArgument, tooMany.ErrorCode);
        var tooLong = await ReceiveAsync(client, 1, waitMs: Protocol.MaxReceiveWaitMs + 1);
        Assert.Equal(ErrorCode.InvalidArgument, tooLong.ErrorCode);
        var exists = await client.RequestAsync((w, id) => FrameWriter.WriteCreateSubscription(w, id, "jobs"u8, "jobs"u8, 30_000, 3, default, 10, AckMode.Explicit));
        Assert.Equal(ErrorCode.SubscriptionExists, exists.ErrorCode);
        var badSettings = await client.RequestAsync((w, id) => FrameWriter.WriteCreateSubscription(w, id, "jobs"u8, "other"u8, 0, 3, default, 10, AckMode.Explicit));
        Assert.Equal(ErrorCode.InvalidArgument, badSettings.ErrorCode);
        var badPartition = await SettleAsync(client, Opcode.Ack, 0, new OffsetRange(7, 0, 1));
        Assert.Equal(0u, Applied(badPartition));

        // A lying range count is a malformed frame, answered without closing the connection.
        await client.SendFrameAsync((w, id) =>
        {
            var body = new byte[] { 4, 0, (byte)'j', (byte)'o', (byte)'b', (byte)'s', 4, 0, (byte)'j', (byte)'o', (byte)'b', (byte)'s', 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255 };
            var span = w.GetSpan(FrameHeader.Size + body.Length);
            new FrameHeader(body.Length, Opcode.Ack, FrameFlags.None, id).Write(span);
            body.CopyTo(span[FrameHeader.Size..]);
            w.Advance(FrameHeader.Size + body.Length);
        });
        var malformed = await client.ReadFrameAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(ErrorCode.MalformedFrame, malformed!.ErrorCode);

        Assert.Equal(20, Decode(await ReceiveAsync(client, 100)).Count);
    }
}
