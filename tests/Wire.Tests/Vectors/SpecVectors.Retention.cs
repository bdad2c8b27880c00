using FastBroker.Wire.Messages;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests.Vectors;

internal static partial class SpecVectors
{
    private const long SevenDaysMs = 7L * 24 * 60 * 60 * 1000;
    private const long TenGiB = 10L * 1024 * 1024 * 1024;

    // The retention and time-lookup vectors (request ids 29 to 33), on "orders".
    private static SpecVector[] RetentionVectors() =>
    [
        Frame("create-topic-request-retention",
            w => FrameWriter.WriteCreateTopic(w, 29, "orders"u8, 4, TopicFlags.None, SevenDaysMs, TopicRetention.BrokerDefault),
            (h, body) =>
            {
                AssertHeader(h, Opcode.CreateTopic, FrameFlags.None, 29);
                Assert.True(CreateTopicRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal(4u, r.Partitions);
                Assert.Equal(TopicFlags.None, r.Flags);
                Assert.Equal(SevenDaysMs, r.RetentionMs);
                Assert.Equal(TopicRetention.BrokerDefault, r.RetentionBytes);
            }),
        Frame("alter-topic-request",
            w => FrameWriter.WriteAlterTopic(w, 30, "orders"u8, TopicRetention.Unchanged, TenGiB),
            (h, body) =>
            {
                AssertHeader(h, Opcode.AlterTopic, FrameFlags.None, 30);
                Assert.True(AlterTopicRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal(TopicRetention.Unchanged, r.RetentionMs);
                Assert.Equal(TenGiB, r.RetentionBytes);
            }),
        EmptyResponse("alter-topic-response", Opcode.AlterTopic, 30),
        Frame("topic-metadata-request-retention",
            w => FrameWriter.WriteTopicMetadata(w, 31, "orders"u8, TopicQueryFlags.WithTopicIds | TopicQueryFlags.WithRetention),
            (h, body) =>
            {
                AssertHeader(h, Opcode.TopicMetadata, FrameFlags.None, 31);
                Assert.True(TopicMetadataRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal(TopicQueryFlags.WithTopicIds | TopicQueryFlags.WithRetention, r.Flags);
            }),
        Frame("topic-metadata-response-retention",
            w => FrameWriter.WriteTopicMetadataResponse(w, 31, [(0, 12), (5, 9)], OrdersId, (SevenDaysMs, TenGiB, RetentionSource.TopicAge | RetentionSource.TopicBytes)),
            (h, body) =>
            {
                AssertHeader(h, Opcode.TopicMetadata, FrameFlags.Response, 31);
                Assert.True(TopicMetadataResponseReader.TryCreate(body, withId: true, withRetention: true, out var reader));
                Assert.Equal(OrdersId, reader.TopicId);
                Assert.Equal(SevenDaysMs, reader.RetentionMs);
                Assert.Equal(TenGiB, reader.RetentionBytes);
                Assert.Equal(RetentionSource.TopicAge | RetentionSource.TopicBytes, reader.RetentionSource);
                Assert.True(reader.TryReadNext(out long start0, out long end0));
                Assert.True(reader.TryReadNext(out long start1, out long end1));
                Assert.False(reader.TryReadNext(out _, out _));
                Assert.Equal([(0L, 12L), (5L, 9L)], [(start0, end0), (start1, end1)]);
            }),
        Frame("list-offsets-request",
            w => FrameWriter.WriteListOffsets(w, 32, "orders"u8, [(2, SampleBatch.SecondTimestamp), (3, ListOffsetsRequest.Earliest)]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.ListOffsets, FrameFlags.None, 32);
                Assert.True(ListOffsetsRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal(2, r.Count);
                Assert.Equal((2u, SampleBatch.SecondTimestamp), r[0]);
                Assert.Equal((3u, ListOffsetsRequest.Earliest), r[1]);
            }),
        Frame("list-offsets-response",
            w => FrameWriter.WriteListOffsetsResponse(w, 32, [(2, 43), (3, 5)]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.ListOffsets, FrameFlags.Response, 32);
                Assert.True(ListOffsetsResponseReader.TryCreate(body, out var reader));
                Assert.Equal(2, reader.Remaining);
                Assert.True(reader.TryReadNext(out uint p0, out long o0));
                Assert.True(reader.TryReadNext(out uint p1, out long o1));
                Assert.False(reader.TryReadNext(out _, out _));
                Assert.Equal([(2u, 43L), (3u, 5L)], [(p0, o0), (p1, o1)]);
            }),
        Frame("error-offset-out-of-range",
            w => FrameWriter.WriteOffsetOutOfRange(w, 33, "offset 3 is below the log start", 5, 9),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Error, FrameFlags.Response, 33);
                Assert.True(ErrorResponse.TryParse(body, out var r));
                Assert.Equal(ErrorCode.OffsetOutOfRange, r.Code);
                Assert.Equal("offset 3 is below the log start"u8, r.Message);
                Assert.True(r.HasOffsets);
                Assert.Equal(5, r.LogStartOffset);
                Assert.Equal(9, r.LogEndOffset);
            }),
    ];
}
