using System.Buffers.Binary;
using System.Text;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.IntegrationTests;

/// <summary>Bad input against the live broker: it answers or closes that one connection, and keeps serving others.</summary>
public sealed class HostileClientTests : IAsyncLifetime
{
    private BrokerProcess _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerProcess.StartAsync();
        await using var admin = await RawClient.ConnectAsync(_broker.Endpoint);
        var created = await admin.RequestAsync((w, id) => FrameWriter.WriteCreateTopic(w, id, "events"u8, 2));
        Assert.Equal(ErrorCode.None, created.ErrorCode);
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task AssertBrokerStillServesAsync()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint);
        var pong = await client.RequestAsync((w, id) => FrameWriter.WritePing(w, id, "still here"u8));
        Assert.Equal(Opcode.Ping, pong.Header.Opcode);
        Assert.Equal("still here"u8.ToArray(), pong.Body);
        Assert.False(_broker.HasExited);
    }

    [Fact]
    public async Task Garbage_bytes_close_only_that_connection()
    {
        await using var hostile = await RawClient.ConnectAsync(_broker.Endpoint, handshake: false);
        await using var bystander = await RawClient.ConnectAsync(_broker.Endpoint);

        await hostile.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: nowhere\r\n\r\n" + new string('x', 200)));

        Assert.True(await hostile.ClosedByBrokerAsync());
        var pong = await bystander.RequestAsync((w, id) => FrameWriter.WritePing(w, id, "ok"u8));
        Assert.Equal(Opcode.Ping, pong.Header.Opcode);
        await AssertBrokerStillServesAsync();
    }

    [Fact]
    public async Task Wrong_protocol_version_gets_an_error_frame_then_close()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint, handshake: false);
        await client.SendFrameAsync((w, id) => FrameWriter.WriteHandshake(w, id, "old"u8, version: 99));

        var error = await client.ReadFrameAsync();
        Assert.NotNull(error);
        Assert.Equal(ErrorCode.UnsupportedVersion, error.ErrorCode);
        Assert.Equal(0u, error.Header.RequestId);
        Assert.True(await client.ClosedByBrokerAsync());
        await AssertBrokerStillServesAsync();
    }

    [Fact]
    public async Task Wrong_magic_gets_an_error_frame_then_close()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint, handshake: false);
        await client.SendFrameAsync((w, id) => FrameWriter.WriteHandshake(w, id, "x"u8, magic: 0xDEADBEEF));

        var error = await client.ReadFrameAsync();
        Assert.Equal(ErrorCode.BadMagic, error!.ErrorCode);
        Assert.True(await client.ClosedByBrokerAsync());
    }

    [Fact]
    public async Task Request_before_handshake_is_refused_and_closed()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint, handshake: false);
        await client.SendFrameAsync((w, id) => FrameWriter.WritePing(w, id, "hi"u8));

        var error = await client.ReadFrameAsync();
        Assert.Equal(ErrorCode.HandshakeRequired, error!.ErrorCode);
        Assert.True(await client.ClosedByBrokerAsync());
    }

    [Fact]
    public async Task Oversized_length_prefix_closes_that_connection_without_waiting_for_the_body()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint);
        var header = new byte[FrameHeader.Size];
        new FrameHeader(int.MaxValue, Opcode.Publish, FrameFlags.None, 7).Write(header);
        await client.SendAsync(header);

        var error = await client.ReadFrameAsync();
        Assert.Equal(ErrorCode.FrameTooLarge, error!.ErrorCode);
        Assert.Equal(0u, error.Header.RequestId);
        Assert.True(await client.ClosedByBrokerAsync());
        await AssertBrokerStillServesAsync();
    }

    [Fact]
    public async Task Unknown_opcode_gets_an_error_and_the_connection_keeps_working()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint);
        var frame = new byte[FrameHeader.Size + 3];
        new FrameHeader(3, (Opcode)0x7777, FrameFlags.None, 42).Write(frame);

        await client.SendAsync(frame);
        var error = await client.ReadFrameAsync();
        Assert.Equal(ErrorCode.UnknownOpcode, error!.ErrorCode);
        Assert.Equal(42u, error.Header.RequestId);

        var pong = await client.RequestAsync((w, id) => FrameWriter.WritePing(w, id, "again"u8));
        Assert.Equal(Opcode.Ping, pong.Header.Opcode);
    }

    [Fact]
    public async Task A_payload_of_exactly_the_message_limit_is_refused_with_the_record_size_the_limit_counts()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint);
        // No key, no headers: the record's length field is 4 (ts delta) + 4 (key len) + 2 (hdr count) + the payload.
        var batch = TestBatches.Numbered(1, Protocol.DefaultMaxMessageBytes);

        var refused = await client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "events"u8, 0, batch));

        Assert.Equal(ErrorCode.MessageTooLarge, refused.ErrorCode);
        Assert.Equal($"record of {Protocol.DefaultMaxMessageBytes + 10} bytes (payload + key + headers + framing) exceeds the message size limit of " +
            $"{Protocol.DefaultMaxMessageBytes} bytes; nothing was stored", refused.ErrorMessage);
        var fits = await client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "events"u8, 0, TestBatches.Numbered(1, Protocol.DefaultMaxMessageBytes - 10)));
        Assert.Equal(ErrorCode.None, fits.ErrorCode);
    }

    [Fact]
    public async Task Malformed_bodies_get_errors_and_the_connection_keeps_working()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint);
        var truncatedFetch = new byte[FrameHeader.Size + 5];
        new FrameHeader(5, Opcode.Fetch, FrameFlags.None, 5).Write(truncatedFetch);
        await client.SendAsync(truncatedFetch);
        Assert.Equal(ErrorCode.MalformedFrame, (await client.ReadFrameAsync())!.ErrorCode);

        var batch = TestBatches.Numbered(3, 100);
        batch[^1] ^= 0xFF;
        var corrupt = await client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "events"u8, 0, batch));
        Assert.Equal(ErrorCode.CorruptBatch, corrupt.ErrorCode);

        var missing = await client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "nope"u8, 0, TestBatches.Numbered(1, 10)));
        Assert.Equal(ErrorCode.UnknownTopic, missing.ErrorCode);
        Assert.Contains("nope", missing.ErrorMessage);

        var badPartition = await client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "events"u8, 9, TestBatches.Numbered(1, 10)));
        Assert.Equal(ErrorCode.UnknownPartition, badPartition.ErrorCode);

        var fine = await client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "events"u8, 0, TestBatches.Numbered(2, 10)));
        Assert.Equal(Opcode.Publish, fine.Header.Opcode);
        Assert.Equal(0, BinaryPrimitives.ReadInt64LittleEndian(fine.Body));
    }

    [Fact]
    public async Task Half_a_frame_then_hang_up_leaves_the_broker_serving()
    {
        await using (var client = await RawClient.ConnectAsync(_broker.Endpoint))
        {
            var frame = new byte[FrameHeader.Size + 4];
            new FrameHeader(1000, Opcode.Publish, FrameFlags.None, 1).Write(frame);
            await client.SendAsync(frame);
        }
        await AssertBrokerStillServesAsync();
    }

    [Fact]
    public async Task Published_batches_are_fetched_back_byte_for_byte_with_offsets()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint);
        var first = TestBatches.Numbered(5, 100);
        var second = TestBatches.Numbered(3, 50);
        var r1 = await client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "events"u8, 1, first));
        var r2 = await client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "events"u8, 1, second));
        Assert.Equal(0, BinaryPrimitives.ReadInt64LittleEndian(r1.Body));
        Assert.Equal(5, BinaryPrimitives.ReadInt64LittleEndian(r2.Body));

        var fetched = await client.RequestAsync((w, id) => FrameWriter.WriteFetch(w, id, "events"u8, 1, 6, 1 << 20, 0));
        Assert.True(FetchResponse.TryParse(fetched.Body, out var response), fetched.ErrorMessage);
        Assert.Equal(8, response.LogEndOffset);
        var offsets = new List<long>();
        var batches = response.Batches;
        while (RecordBatch.TryReadLength(batches, int.MaxValue, out int length))
        {
            var reader = new RecordBatchReader(batches[..length]);
            while (reader.TryReadNext(out var record) == RecordReadStatus.Ok) offsets.Add(record.Offset);
            batches = batches[length..];
        }
        Assert.Equal([5L, 6, 7], offsets);
    }

    [Fact]
    public async Task Fetch_at_the_end_waits_until_a_publish_arrives()
    {
        await using var consumer = await RawClient.ConnectAsync(_broker.Endpoint);
        await using var producer = await RawClient.ConnectAsync(_broker.Endpoint);
        uint fetchId = await consumer.SendFrameAsync((w, id) => FrameWriter.WriteFetch(w, id, "events"u8, 0, 0, 1 << 20, 30_000));

        var published = await producer.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "events"u8, 0, TestBatches.Numbered(4, 20)));
        Assert.Equal(Opcode.Publish, published.Header.Opcode);

        var fetched = await consumer.ReadFrameAsync(TimeSpan.FromSeconds(20));
        Assert.NotNull(fetched);
        Assert.Equal(fetchId, fetched.Header.RequestId);
        Assert.True(FetchResponse.TryParse(fetched.Body, out var response));
        Assert.Equal(4, RecordBatch.ReadRecordCount(response.Batches));
    }
}
