using System.Buffers;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Tests.Support;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests.Vectors;

/// <summary>
/// The expected field values of every vector in PROTOCOL.md, "Test vectors". Each entry encodes the vector
/// from its values with the Wire encoders and checks the Wire decoders against the same values; the values
/// are literals on purpose, so a change of the codec or the spec shows up here as a failing vector.
/// </summary>
internal static partial class SpecVectors
{
    // Literal ids, so the vectors' bytes are fixed; a broker draws them at random.
    private static readonly Guid AuditId = Guid.ParseExact("00112233445566778899aabbccddeeff", "N");
    private static readonly Guid OrdersId = Guid.ParseExact("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "N");

    public static IReadOnlyList<SpecVector> All { get; } =
    [
        Frame("handshake-request",
            w => FrameWriter.WriteHandshake(w, 1, "example-client"u8),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Handshake, FrameFlags.None, 1);
                Assert.True(HandshakeRequest.TryParse(body, out var r));
                Assert.Equal(0x4B524246u, r.Magic);
                Assert.Equal((ushort)1, r.Version);
                Assert.Equal((ushort)0, r.AuthMechanism);
                Assert.Equal("example-client"u8, r.ClientName);
                Assert.True(r.Auth.IsEmpty);
            }),
        Frame("handshake-response",
            w => FrameWriter.WriteHandshakeResponse(w, 1, 16 * 1024 * 1024, 1024 * 1024, "fastbroker/1.0.0"u8),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Handshake, FrameFlags.Response, 1);
                Assert.True(HandshakeResponse.TryParse(body, out var r));
                Assert.Equal((ushort)1, r.Version);
                Assert.Equal(16_777_216, r.MaxFrameBytes);
                Assert.Equal(1_048_576, r.MaxMessageBytes);
                Assert.Equal("fastbroker/1.0.0"u8, r.ServerName);
            }),
        Frame("ping-request",
            w => FrameWriter.WritePing(w, 2, PingPayload),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Ping, FrameFlags.None, 2);
                Assert.Equal(PingPayload, body);
            }),
        Frame("ping-response",
            w => FrameWriter.WritePing(w, 2, PingPayload, FrameFlags.Response),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Ping, FrameFlags.Response, 2);
                Assert.Equal(PingPayload, body);
            }),
        Frame("create-topic-request",
            w => FrameWriter.WriteCreateTopic(w, 3, "orders"u8, 4),
            (h, body) =>
            {
                AssertHeader(h, Opcode.CreateTopic, FrameFlags.None, 3);
                Assert.True(CreateTopicRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal(4u, r.Partitions);
            }),
        Frame("create-topic-request-temporary",
            w => FrameWriter.WriteCreateTopic(w, 26, "fb.reply.5f0c2a9e41d7b368"u8, 1, TopicFlags.Temporary),
            (h, body) =>
            {
                AssertHeader(h, Opcode.CreateTopic, FrameFlags.None, 26);
                Assert.True(CreateTopicRequest.TryParse(body, out var r));
                Assert.Equal("fb.reply.5f0c2a9e41d7b368"u8, r.Topic);
                Assert.Equal(1u, r.Partitions);
                Assert.Equal(TopicFlags.Temporary, r.Flags);
            }),
        EmptyResponse("create-topic-response", Opcode.CreateTopic, 3),
        Frame("delete-topic-request",
            w => FrameWriter.WriteTopicRequest(w, Opcode.DeleteTopic, 4, "old-orders"u8),
            (h, body) =>
            {
                AssertHeader(h, Opcode.DeleteTopic, FrameFlags.None, 4);
                Assert.True(TopicRequest.TryParse(body, out var r));
                Assert.Equal("old-orders"u8, r.Topic);
            }),
        EmptyResponse("delete-topic-response", Opcode.DeleteTopic, 4),
        Frame("list-topics-request",
            w => FrameWriter.WriteEmpty(w, Opcode.ListTopics, FrameFlags.None, 5),
            (h, body) =>
            {
                AssertHeader(h, Opcode.ListTopics, FrameFlags.None, 5);
                Assert.Empty(body);
            }),
        Frame("list-topics-response",
            w => FrameWriter.WriteListTopicsResponse(w, 5, [("audit.log", 1), ("orders", 4)]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.ListTopics, FrameFlags.Response, 5);
                Assert.True(ResponseBodies.TryReadListTopics(body, out var topics));
                Assert.Equal([("audit.log", 1u), ("orders", 4u)], topics);
            }),
        Frame("topic-metadata-request",
            w => FrameWriter.WriteTopicRequest(w, Opcode.TopicMetadata, 6, "orders"u8),
            (h, body) =>
            {
                AssertHeader(h, Opcode.TopicMetadata, FrameFlags.None, 6);
                Assert.True(TopicRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
            }),
        Frame("topic-metadata-response",
            w => FrameWriter.WriteTopicMetadataResponse(w, 6, [(0, 12), (0, 0), (0, 44), (5, 9)]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.TopicMetadata, FrameFlags.Response, 6);
                Assert.True(ResponseBodies.TryReadTopicMetadata(body, out var partitions));
                Assert.Equal([(0L, 12L), (0L, 0L), (0L, 44L), (5L, 9L)], partitions);
            }),
        Frame("list-topics-request-ids",
            w => FrameWriter.WriteListTopics(w, 27, TopicQueryFlags.WithTopicIds),
            (h, body) =>
            {
                AssertHeader(h, Opcode.ListTopics, FrameFlags.None, 27);
                Assert.True(ListTopicsRequest.TryParse(body, out var r));
                Assert.Equal(TopicQueryFlags.WithTopicIds, r.Flags);
            }),
        Frame("list-topics-response-ids",
            w => FrameWriter.WriteListTopicsResponse(w, 27, [("audit.log", 1, AuditId), ("orders", 4, OrdersId)], withIds: true),
            (h, body) =>
            {
                AssertHeader(h, Opcode.ListTopics, FrameFlags.Response, 27);
                Assert.True(ResponseBodies.TryReadListTopicsWithIds(body, out var topics));
                Assert.Equal([("audit.log", 1u, AuditId), ("orders", 4u, OrdersId)], topics);
            }),
        Frame("topic-metadata-request-ids",
            w => FrameWriter.WriteTopicMetadata(w, 28, "orders"u8, TopicQueryFlags.WithTopicIds),
            (h, body) =>
            {
                AssertHeader(h, Opcode.TopicMetadata, FrameFlags.None, 28);
                Assert.True(TopicMetadataRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal(TopicQueryFlags.WithTopicIds, r.Flags);
            }),
        Frame("topic-metadata-response-ids",
            w => FrameWriter.WriteTopicMetadataResponse(w, 28, [(0, 12), (5, 9)], OrdersId),
            (h, body) =>
            {
                AssertHeader(h, Opcode.TopicMetadata, FrameFlags.Response, 28);
                Assert.True(TopicMetadataResponseReader.TryCreate(body, withId: true, out var reader));
                Assert.Equal(OrdersId, reader.TopicId);
                Assert.True(reader.TryReadNext(out long start0, out long end0));
                Assert.True(reader.TryReadNext(out long start1, out long end1));
                Assert.False(reader.TryReadNext(out _, out _));
                Assert.Equal([(0L, 12L), (5L, 9L)], [(start0, end0), (start1, end1)]);
            }),
        Frame("publish-request",
            w => FrameWriter.WritePublish(w, 7, "orders"u8, 2, SampleBatch.Encode(baseOffset: 0)),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Publish, FrameFlags.None, 7);
                Assert.True(PublishRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal(2u, r.Partition);
                SampleBatch.AssertDecoded(r.Batch, baseOffset: 0);
            }),
        Frame("publish-response",
            w => FrameWriter.WritePublishResponse(w, 7, 42),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Publish, FrameFlags.Response, 7);
                Assert.True(ResponseBodies.TryReadOffset(body, out long baseOffset));
                Assert.Equal(42, baseOffset);
            }),
        Frame("fetch-request",
            w => FrameWriter.WriteFetch(w, 8, "orders"u8, 2, 43, 65536, 500),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Fetch, FrameFlags.None, 8);
                Assert.True(FetchRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal(2u, r.Partition);
                Assert.Equal(43, r.Offset);
                Assert.Equal(65536u, r.MaxBytes);
                Assert.Equal(500u, r.MaxWaitMs);
            }),
        Frame("fetch-response",
            w => WriteFetchResponse(w, 8, 0, 44, SampleBatch.Encode(baseOffset: 42)),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Fetch, FrameFlags.Response, 8);
                Assert.True(FetchResponse.TryParse(body, out var r));
                Assert.Equal(0, r.LogStartOffset);
                Assert.Equal(44, r.LogEndOffset);
                SampleBatch.AssertDecoded(r.Batches, baseOffset: 42);
            }),
        Frame("fetch-response-empty",
            w => WriteFetchResponse(w, 9, 0, 44, []),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Fetch, FrameFlags.Response, 9);
                Assert.True(FetchResponse.TryParse(body, out var r));
                Assert.Equal(0, r.LogStartOffset);
                Assert.Equal(44, r.LogEndOffset);
                Assert.True(r.Batches.IsEmpty);
            }),
        Frame("commit-position-request",
            w => FrameWriter.WriteCommitPosition(w, 10, "billing"u8, "orders"u8, 2, 44),
            (h, body) =>
            {
                AssertHeader(h, Opcode.CommitPosition, FrameFlags.None, 10);
                Assert.True(PositionRequest.TryParse(body, withOffset: true, out var r));
                Assert.Equal("billing"u8, r.Group);
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal(2u, r.Partition);
                Assert.Equal(44, r.Offset);
            }),
        EmptyResponse("commit-position-response", Opcode.CommitPosition, 10),
        Frame("read-position-request",
            w => FrameWriter.WriteReadPosition(w, 11, "billing"u8, "orders"u8, 2),
            (h, body) =>
            {
                AssertHeader(h, Opcode.ReadPosition, FrameFlags.None, 11);
                Assert.True(PositionRequest.TryParse(body, withOffset: false, out var r));
                Assert.Equal("billing"u8, r.Group);
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal(2u, r.Partition);
            }),
        PositionResponse("read-position-response", 11, 44),
        PositionResponse("read-position-response-none", 12, -1),
        Frame("error-response",
            w => FrameWriter.WriteError(w, 13, ErrorCode.UnknownTopic, "unknown topic 'payments'"),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Error, FrameFlags.Response, 13);
                Assert.True(ErrorResponse.TryParse(body, out var r));
                Assert.Equal(ErrorCode.UnknownTopic, r.Code);
                Assert.Equal((ushort)10, (ushort)r.Code);
                Assert.Equal("unknown topic 'payments'"u8, r.Message);
            }),
        Frame("error-connection",
            w => FrameWriter.WriteError(w, 0, ErrorCode.BadMagic, "bad magic"),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Error, FrameFlags.Response, 0);
                Assert.True(ErrorResponse.TryParse(body, out var r));
                Assert.Equal(ErrorCode.BadMagic, r.Code);
                Assert.Equal((ushort)4, (ushort)r.Code);
                Assert.Equal("bad magic"u8, r.Message);
            }),
        new SpecVector("record-batch", VectorKind.Batch,
            () => SampleBatch.Encode(baseOffset: 0),
            (_, batch) => SampleBatch.AssertDecoded(batch, baseOffset: 0)),
        .. QueueVectors(),
        .. FetchFilteredVectors(),
        .. ReplyVectors(),
        .. RetentionVectors(),
        .. GroupVectors(),
        .. CoordinatorVectors(),
        .. ProducerVectors(),
        .. DedupVectors(),
    ];

    private static readonly byte[] PingPayload = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];

    private static SpecVector Frame(string name, Action<ArrayBufferWriter<byte>> write, Action<FrameHeader, byte[]> check)
        => new(name, VectorKind.Frame, () => Frames.Encode(write), check);

    private static SpecVector EmptyResponse(string name, Opcode opcode, uint requestId) => Frame(name,
        w => FrameWriter.WriteEmpty(w, opcode, FrameFlags.Response, requestId),
        (h, body) =>
        {
            AssertHeader(h, opcode, FrameFlags.Response, requestId);
            Assert.Empty(body);
        });

    private static SpecVector PositionResponse(string name, uint requestId, long offset) => Frame(name,
        w => FrameWriter.WriteReadPositionResponse(w, requestId, offset),
        (h, body) =>
        {
            AssertHeader(h, Opcode.ReadPosition, FrameFlags.Response, requestId);
            Assert.True(ResponseBodies.TryReadOffset(body, out long position));
            Assert.Equal(offset, position);
        });

    private static void WriteFetchResponse(IBufferWriter<byte> output, uint requestId, long start, long end, byte[] batches)
    {
        FrameWriter.WriteFetchResponsePrefix(output, requestId, start, end, batches.Length);
        output.Write(batches);
    }
}
