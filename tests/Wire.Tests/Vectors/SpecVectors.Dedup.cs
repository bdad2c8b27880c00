using FastBroker.Wire.Messages;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests.Vectors;

internal static partial class SpecVectors
{
    // The deduplication vector (request id 53): of a published batch of three records, records 0 and 2 carried
    // fb-dedup-id values stored before, at offsets 40 and 41; record 1 was stored at 44.
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
    ];
}
