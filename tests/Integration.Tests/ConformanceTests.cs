using System.Buffers;
using System.Buffers.Binary;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.IntegrationTests;

/// <summary>What docs/PROTOCOL.md promises, checked byte for byte against the real broker by a client built on Wire alone.</summary>
public sealed class ConformanceTests : IAsyncLifetime
{
    private BrokerProcess _broker = null!;
    private RawClient _client = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerProcess.StartAsync();
        _client = await RawClient.ConnectAsync(_broker.Endpoint);
        Assert.Equal(ErrorCode.None, (await _client.RequestAsync((w, id) => FrameWriter.WriteCreateTopic(w, id, "jobs"u8, 2))).ErrorCode);
        var created = await _client.RequestAsync((w, id) => FrameWriter.WriteCreateSubscription(w, id, "jobs"u8, "jobs"u8, 30_000, 3, default, 100_000, AckMode.Explicit));
        Assert.Equal(ErrorCode.None, created.ErrorCode);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _broker.DisposeAsync();
    }

    // Byte sequences that are not UTF-8: overlong "/", an encoded surrogate, a truncated 3-byte form, a stray 0xFF.
    public static TheoryData<byte[]> NotUtf8 => new()
    {
        new byte[] { (byte)'g', 0xC0, 0xAF },
        new byte[] { (byte)'g', 0xED, 0xA0, 0x80 },
        new byte[] { (byte)'g', 0xE2, 0x82 },
        new byte[] { 0xFF },
    };

    private Task<RawFrame> PublishAsync(int partition, int records = 5, int valueBytes = 20)
        => _client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "jobs"u8, partition, TestBatches.Numbered(records, valueBytes)));

    private static uint Applied(RawFrame frame)
    {
        Assert.True(frame.ErrorCode == ErrorCode.None, frame.ErrorMessage);
        return BinaryPrimitives.ReadUInt32LittleEndian(frame.Body);
    }

    private static int Messages(RawFrame delivery)
    {
        Assert.True(delivery.ErrorCode == ErrorCode.None, delivery.ErrorMessage);
        Assert.True(DeliveryReader.TryCreate(delivery.Body, out var reader));
        int messages = 0;
        while (reader.TryReadSection(out var section))
            for (int i = 0; i < section.RangeCount; i++) messages += section.GetRange(i).Count;
        return messages;
    }

    private static byte[] Frame(Action<IBufferWriter<byte>> write, FrameFlags? flags = null, uint? requestId = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        byte[] frame = buffer.WrittenSpan.ToArray();
        if (flags is { } f) BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(6), (ushort)f);
        if (requestId is { } id) BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(8), id);
        return frame;
    }

    private static async Task AssertClosedWithAsync(RawClient client, ErrorCode code)
    {
        var error = await client.ReadFrameAsync();
        Assert.NotNull(error);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(0u, error.Header.RequestId);
        Assert.True(await client.ClosedByBrokerAsync());
    }

    [Theory]
    [InlineData(1025)]
    [InlineData(64 * 1024)]
    [InlineData(900 * 1024)]
    public async Task Ping_payloads_of_any_size_within_the_frame_cap_are_echoed(int size)
    {
        var payload = new byte[size];
        new Random(size).NextBytes(payload);

        var pong = await _client.RequestAsync((w, id) => FrameWriter.WritePing(w, id, payload));

        Assert.Equal(Opcode.Ping, pong.Header.Opcode);
        Assert.Equal(payload, pong.Body);
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("no spaces")]
    [InlineData("caf\u00e9")]
    public async Task DeleteTopic_with_an_invalid_name_gets_InvalidTopicName(string name)
    {
        var deleted = await _client.RequestAsync((w, id) => FrameWriter.WriteTopicRequest(w, Opcode.DeleteTopic, id, System.Text.Encoding.UTF8.GetBytes(name)));
        Assert.Equal(ErrorCode.InvalidTopicName, deleted.ErrorCode);
        var unknown = await _client.RequestAsync((w, id) => FrameWriter.WriteTopicRequest(w, Opcode.DeleteTopic, id, "valid-but-absent"u8));
        Assert.Equal(ErrorCode.UnknownTopic, unknown.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(NotUtf8))]
    public async Task Group_names_that_are_not_valid_utf8_get_InvalidArgument(byte[] group)
    {
        var commit = await _client.RequestAsync((w, id) => FrameWriter.WriteCommitPosition(w, id, group, "jobs"u8, 0, 0));
        Assert.Equal(ErrorCode.InvalidArgument, commit.ErrorCode);
        var read = await _client.RequestAsync((w, id) => FrameWriter.WriteReadPosition(w, id, group, "jobs"u8, 0));
        Assert.Equal(ErrorCode.InvalidArgument, read.ErrorCode);

        // Well-formed multi-byte UTF-8 is a fine group name.
        var valid = await _client.RequestAsync((w, id) => FrameWriter.WriteCommitPosition(w, id, "gr\u00fcppe-\U0001F600"u8, "jobs"u8, 0, 0));
        Assert.Equal(ErrorCode.None, valid.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(NotUtf8))]
    public async Task Subscription_names_outside_the_name_rules_get_InvalidTopicName_in_every_queue_request(byte[] name)
    {
        Assert.Equal(ErrorCode.InvalidTopicName, (await _client.RequestAsync((w, id) => FrameWriter.WriteReceive(w, id, "jobs"u8, name, 1, 0, 0, 0))).ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicName, (await _client.RequestAsync((w, id) => FrameWriter.WriteSettle(w, Opcode.Ack, id, "jobs"u8, name, 0, []))).ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicName, (await _client.RequestAsync((w, id) => FrameWriter.WriteSubscribe(w, id, "jobs"u8, name, 1, 0))).ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicName, (await _client.RequestAsync((w, id) => FrameWriter.WriteSubscriptionRequest(w, Opcode.SubscriptionStats, id, "jobs"u8, name))).ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicName, (await _client.RequestAsync((w, id) => FrameWriter.WriteSubscriptionRequest(w, Opcode.DeleteSubscription, id, "jobs"u8, name))).ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicName, (await _client.RequestAsync((w, id) => FrameWriter.WriteCreateSubscription(w, id, "jobs"u8, name, 30_000, 3, default, 10, AckMode.Explicit))).ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicName, (await _client.RequestAsync((w, id) => FrameWriter.WriteCreateSubscription(w, id, "jobs"u8, "other"u8, 30_000, 3, name, 10, AckMode.Explicit))).ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicName, (await _client.RequestAsync((w, id) => FrameWriter.WriteFetch(w, id, name, 0, 0, 1024, 0))).ErrorCode);
    }

    [Fact]
    public async Task Ack_nack_and_extend_skip_ranges_on_partitions_the_topic_does_not_have_and_apply_the_rest()
    {
        await PublishAsync(0);
        await PublishAsync(1);
        Assert.Equal(10, Messages(await _client.RequestAsync((w, id) => FrameWriter.WriteReceive(w, id, "jobs"u8, "jobs"u8, 100, 0, 0, 0))));

        // Partitions 7 and 2^32-1 do not exist: skipped, uncounted, and the valid ranges around them still apply.
        OffsetRange[] extend = [new(7, 0, 5), new(0, 0, 2), new(-1, 0, 5), new(1, 0, 5)];
        Assert.Equal(7u, Applied(await _client.RequestAsync((w, id) => FrameWriter.WriteSettle(w, Opcode.Extend, id, "jobs"u8, "jobs"u8, 60_000, extend))));
        Assert.Equal(2u, Applied(await _client.RequestAsync((w, id) => FrameWriter.WriteSettle(w, Opcode.Nack, id, "jobs"u8, "jobs"u8, 0, [new(9, 0, 1), new(1, 0, 2)]))));
        OffsetRange[] ack = [new(7, 0, 5), new(0, 0, 5), new(-1, 0, 5), new(1, 2, 3)];
        Assert.Equal(8u, Applied(await _client.RequestAsync((w, id) => FrameWriter.WriteSettle(w, Opcode.Ack, id, "jobs"u8, "jobs"u8, 0, ack))));

        // The acks landed: only the two nacked messages are left to deliver.
        Assert.Equal(2, Messages(await _client.RequestAsync((w, id) => FrameWriter.WriteReceive(w, id, "jobs"u8, "jobs"u8, 100, 0, 0, 0))));
    }

    [Fact]
    public async Task A_receive_waiting_when_its_subscription_is_deleted_gets_UnknownSubscription()
    {
        await using var consumer = await RawClient.ConnectAsync(_broker.Endpoint);
        uint waiting = await consumer.SendFrameAsync((w, id) => FrameWriter.WriteReceive(w, id, "jobs"u8, "jobs"u8, 10, 0, Protocol.MaxReceiveWaitMs, 0));
        // The ping's answer proves the receive was read and is waiting (it is answered after it, in order).
        var pong = await consumer.RequestAsync((w, id) => FrameWriter.WritePing(w, id, "x"u8));
        Assert.Equal(Opcode.Ping, pong.Header.Opcode);

        var deleted = await _client.RequestAsync((w, id) => FrameWriter.WriteSubscriptionRequest(w, Opcode.DeleteSubscription, id, "jobs"u8, "jobs"u8));
        Assert.Equal(ErrorCode.None, deleted.ErrorCode);

        // Well inside the 20 s wait: the deletion ends the wait.
        var answer = await consumer.ReadFrameAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(answer);
        Assert.Equal(waiting, answer.Header.RequestId);
        Assert.Equal(ErrorCode.UnknownSubscription, answer.ErrorCode);
    }

    [Fact]
    public async Task Receive_max_bytes_takes_whole_batches_while_they_fit_and_always_the_first()
    {
        const int valueBytes = 300 * 1024;
        for (int i = 0; i < 3; i++) Assert.Equal(ErrorCode.None, (await PublishAsync(0, records: 1, valueBytes)).ErrorCode);

        Assert.Equal(1, Messages(await _client.RequestAsync((w, id) => FrameWriter.WriteReceive(w, id, "jobs"u8, "jobs"u8, 10, 1, 0, 0))));
        Assert.Equal(2, Messages(await _client.RequestAsync((w, id) => FrameWriter.WriteReceive(w, id, "jobs"u8, "jobs"u8, 10, 700 * 1024, 0, 0))));
    }

    [Fact]
    public async Task Fetch_max_bytes_0_returns_the_first_batch_only()
    {
        await PublishAsync(0, records: 3);
        await PublishAsync(0, records: 3);

        var fetched = await _client.RequestAsync((w, id) => FrameWriter.WriteFetch(w, id, "jobs"u8, 0, 0, 0, 0));

        Assert.True(FetchResponse.TryParse(fetched.Body, out var response), fetched.ErrorMessage);
        Assert.True(Wire.Records.RecordBatch.TryReadLength(response.Batches, response.Batches.Length, out int first));
        Assert.Equal(first, response.Batches.Length);
        Assert.Equal(6, response.LogEndOffset);
    }

    [Fact]
    public async Task A_request_with_id_0_is_refused_with_a_connection_error_and_close()
    {
        await _client.SendAsync(Frame(w => FrameWriter.WritePing(w, 5, "zero"u8), requestId: 0));
        await AssertClosedWithAsync(_client, ErrorCode.MalformedFrame);
    }

    [Fact]
    public async Task Requests_pipelined_with_the_same_id_each_get_their_own_response()
    {
        byte[] first = Frame(w => FrameWriter.WritePing(w, 9, "one"u8));
        byte[] second = Frame(w => FrameWriter.WritePing(w, 9, "two"u8));
        await _client.SendAsync(first.Concat(second).ToArray());

        var a = await _client.ReadFrameAsync();
        var b = await _client.ReadFrameAsync();
        Assert.Equal(9u, a!.Header.RequestId);
        Assert.Equal(9u, b!.Header.RequestId);
        Assert.Equal(["one", "two"], new[] { a.Body, b.Body }.Select(System.Text.Encoding.ASCII.GetString).Order());
        Assert.Equal(Opcode.Ping, (await _client.RequestAsync((w, id) => FrameWriter.WritePing(w, id, "still"u8))).Header.Opcode);
    }

    [Theory]
    [InlineData(FrameFlags.Response, 1u)]
    [InlineData((FrameFlags)4, 1u)]
    [InlineData(FrameFlags.None, 0u)]
    public async Task A_handshake_with_flags_or_request_id_0_is_refused_and_closed(FrameFlags flags, uint requestId)
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint, handshake: false);
        await client.SendAsync(Frame(w => FrameWriter.WriteHandshake(w, 1, "c"u8), flags, requestId));
        await AssertClosedWithAsync(client, ErrorCode.MalformedFrame);
    }

    [Fact]
    public async Task A_handshake_with_auth_data_under_mechanism_0_is_refused_and_closed()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint, handshake: false);
        await client.SendAsync(Frame(w => FrameWriter.WriteHandshake(w, 1, "c"u8, auth: "secret"u8)));
        await AssertClosedWithAsync(client, ErrorCode.MalformedFrame);
    }

    [Fact]
    public async Task A_handshake_whose_client_name_is_not_utf8_is_refused_and_closed()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint, handshake: false);
        await client.SendAsync(Frame(w => FrameWriter.WriteHandshake(w, 1, [0x63, 0xC0, 0xAF])));
        await AssertClosedWithAsync(client, ErrorCode.MalformedFrame);
    }

    [Fact]
    public async Task A_negative_fetch_offset_is_out_of_range()
    {
        await PublishAsync(0);
        var fetched = await _client.RequestAsync((w, id) => FrameWriter.WriteFetch(w, id, "jobs"u8, 0, -1, 1024, 0));
        Assert.Equal(ErrorCode.OffsetOutOfRange, fetched.ErrorCode);
    }

    [Fact]
    public async Task When_several_checks_fail_names_come_before_existence_and_existence_before_arguments()
    {
        // Invalid name beats unknown topic and a bad argument.
        Assert.Equal(ErrorCode.InvalidTopicName, (await _client.RequestAsync((w, id) => FrameWriter.WriteReceive(w, id, "no such!"u8, "jobs"u8, 0, 0, 0, 0))).ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicName, (await _client.RequestAsync((w, id) => FrameWriter.WriteCreateSubscription(w, id, "absent"u8, "bad name"u8, 0, 0, default, 0, AckMode.Explicit))).ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicName, (await _client.RequestAsync((w, id) => FrameWriter.WriteSubscriptionRequest(w, Opcode.DeleteSubscription, id, "absent"u8, "bad name"u8))).ErrorCode);
        // A default dead-letter name ("absent.SUBSCRIPTION.dlq") over 249 bytes is a bad name, found before the lookup.
        byte[] longName = System.Text.Encoding.ASCII.GetBytes(new string('s', 240));
        Assert.Equal(ErrorCode.InvalidTopicName, (await _client.RequestAsync((w, id) => FrameWriter.WriteCreateSubscription(w, id, "absent"u8, longName, 30_000, 3, default, 10, AckMode.Explicit))).ErrorCode);
        // Unknown topic, subscription or partition beats a bad argument.
        Assert.Equal(ErrorCode.UnknownTopic, (await _client.RequestAsync((w, id) => FrameWriter.WriteFetch(w, id, "absent"u8, 0, 0, 1024, Protocol.MaxFetchWaitMs + 1))).ErrorCode);
        Assert.Equal(ErrorCode.UnknownPartition, (await _client.RequestAsync((w, id) => FrameWriter.WriteFetch(w, id, "jobs"u8, 9, 0, 1024, Protocol.MaxFetchWaitMs + 1))).ErrorCode);
        Assert.Equal(ErrorCode.UnknownSubscription, (await _client.RequestAsync((w, id) => FrameWriter.WriteReceive(w, id, "jobs"u8, "absent"u8, 0, 0, 0, 0))).ErrorCode);
        Assert.Equal(ErrorCode.UnknownSubscription, (await _client.RequestAsync((w, id) => FrameWriter.WriteSettle(w, Opcode.Ack, id, "jobs"u8, "absent"u8, 5, []))).ErrorCode);
        Assert.Equal(ErrorCode.UnknownSubscription, (await _client.RequestAsync((w, id) => FrameWriter.WriteSubscribe(w, id, "jobs"u8, "absent"u8, Protocol.MaxCredit + 1, 0))).ErrorCode);
        Assert.Equal(ErrorCode.UnknownTopic, (await _client.RequestAsync((w, id) => FrameWriter.WriteCommitPosition(w, id, "g"u8, "absent"u8, 0, -1))).ErrorCode);
        // Arguments come before the state of the data.
        Assert.Equal(ErrorCode.InvalidArgument, (await _client.RequestAsync((w, id) => FrameWriter.WriteFetch(w, id, "jobs"u8, 0, -5, 1024, Protocol.MaxFetchWaitMs + 1))).ErrorCode);
        Assert.Equal(ErrorCode.InvalidArgument, (await _client.RequestAsync((w, id) => FrameWriter.WriteCreateSubscription(w, id, "jobs"u8, "jobs"u8, 0, 3, default, 10, AckMode.Explicit))).ErrorCode);
        // A frame the broker cannot frame is refused before its body is looked at.
        // A publish whose topic length (300) runs past its 12-byte body is malformed, not an over-long name.
        byte[] shortPublish = new byte[FrameHeader.Size + 12];
        new FrameHeader(12, Opcode.Publish, FrameFlags.None, 77).Write(shortPublish);
        shortPublish[FrameHeader.Size] = 0x2C;
        shortPublish[FrameHeader.Size + 1] = 0x01;
        await _client.SendAsync(shortPublish);
        var malformed = await _client.ReadFrameAsync();
        Assert.Equal(77u, malformed!.Header.RequestId);
        Assert.Equal(ErrorCode.MalformedFrame, malformed.ErrorCode);
    }
}
