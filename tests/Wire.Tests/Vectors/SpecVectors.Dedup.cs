using FastBroker.Wire.Messages;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests.Vectors;

internal static partial class SpecVectors
{
    private const long TenMinutesMs = 10L * 60 * 1000;
    private const long TwoHoursMs = 2L * 60 * 60 * 1000;

    // The deduplication vectors (request ids 53 to 56): of a published batch of three records, records 0 and 2 carried
    // fb-dedup-id values stored before, at offsets 40 and 41; record 1 was stored at 44. Then "orders" is created with
    // a window of its own, the window is turned off, and the metadata shows the broker's default again.
    private static SpecVector[] DedupVectors() =>
    [
        Frame("publish-response-duplicates",
            w => FrameWriter.WritePublishResponse(w, 53, 44, [new PublishDuplicate(0, 40), new PublishDuplicate(2, 41)]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Publish, FrameFlags.Response, 53);
                Assert.True(PublishResponse.TryParse(body, out long baseOffset, out int count));
                Assert.Equal(44, baseOffset);
                Assert.Equal(2, count);
                Assert.Equal(new PublishDuplicate(0, 40), PublishResponse.ReadDuplicate(body, 0));
                Assert.Equal(new PublishDuplicate(2, 41), PublishResponse.ReadDuplicate(body, 1));
            }),
        Frame("create-topic-request-dedup",
            w => FrameWriter.WriteCreateTopic(w, 54, "orders"u8, 4, TopicFlags.None, TopicRetention.BrokerDefault, TopicRetention.BrokerDefault, TenMinutesMs),
            (h, body) =>
            {
                AssertHeader(h, Opcode.CreateTopic, FrameFlags.None, 54);
                Assert.True(CreateTopicRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal(4u, r.Partitions);
                Assert.Equal(TopicRetention.BrokerDefault, r.RetentionMs);
                Assert.Equal(TopicRetention.BrokerDefault, r.RetentionBytes);
                Assert.Equal(TenMinutesMs, r.DedupWindowMs);
            }),
        Frame("alter-topic-request-dedup",
            w => FrameWriter.WriteAlterTopic(w, 55, "orders"u8, TopicRetention.Unchanged, TopicRetention.Unchanged, 0),
            (h, body) =>
            {
                AssertHeader(h, Opcode.AlterTopic, FrameFlags.None, 55);
                Assert.True(AlterTopicRequest.TryParse(body, out var r));
                Assert.Equal(TopicRetention.Unchanged, r.RetentionMs);
                Assert.Equal(TopicRetention.Unchanged, r.RetentionBytes);
                Assert.Equal(0, r.DedupWindowMs);
            }),
        Frame("topic-metadata-request-dedup",
            w => FrameWriter.WriteTopicMetadata(w, 56, "orders"u8, TopicQueryFlags.WithDedupWindow),
            (h, body) =>
            {
                AssertHeader(h, Opcode.TopicMetadata, FrameFlags.None, 56);
                Assert.True(TopicMetadataRequest.TryParse(body, out var r));
                Assert.Equal(TopicQueryFlags.WithDedupWindow, r.Flags);
            }),
        Frame("topic-metadata-response-dedup",
            w => FrameWriter.WriteTopicMetadataResponse(w, 56, [(0, 12)], null, null, (TwoHoursMs, false)),
            (h, body) =>
            {
                AssertHeader(h, Opcode.TopicMetadata, FrameFlags.Response, 56);
                Assert.True(TopicMetadataResponseReader.TryCreate(body, withId: false, withRetention: false, withDedupWindow: true, out var reader));
                Assert.Equal(TwoHoursMs, reader.DedupWindowMs);
                Assert.False(reader.DedupWindowIsOwn);
                Assert.True(reader.TryReadNext(out long start, out long end));
                Assert.Equal((0L, 12L), (start, end));
            }),
    ];
}
