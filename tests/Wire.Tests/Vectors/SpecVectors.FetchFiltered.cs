using FastBroker.Wire.Messages;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests.Vectors;

internal static partial class SpecVectors
{
    // The filtered-fetch vectors (request id 26): the sample batch at offsets 42 and 43 of "orders" partition 2 read
    // with a filter on the key, which only record 42 has.
    private static SpecVector[] FetchFilteredVectors() =>
    [
        Frame("fetch-filtered-request",
            w => FrameWriter.WriteFetchFiltered(w, 26, "orders"u8, 2, 42, 65536, 500, "key = \"user-7\""u8),
            (h, body) =>
            {
                AssertHeader(h, Opcode.FetchFiltered, FrameFlags.None, 26);
                Assert.True(FetchFilteredRequest.TryParse(body, out var r));
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal(2u, r.Partition);
                Assert.Equal(42, r.Offset);
                Assert.Equal(65536u, r.MaxBytes);
                Assert.Equal(500u, r.MaxWaitMs);
                Assert.Equal("key = \"user-7\""u8, r.Filter);
            }),
        Frame("fetch-filtered-response",
            w => FrameWriter.WriteFetchFilteredResponse(w, 26, 0, 44, 44, [new FetchRange(42, 1)], SampleBatch.Encode(baseOffset: 42)),
            (h, body) =>
            {
                AssertHeader(h, Opcode.FetchFiltered, FrameFlags.Response, 26);
                Assert.True(FetchFilteredResponse.TryParse(body, out var r));
                Assert.Equal(0, r.LogStartOffset);
                Assert.Equal(44, r.LogEndOffset);
                Assert.Equal(44, r.NextOffset);
                Assert.Equal(1, r.RangeCount);
                Assert.Equal(new FetchRange(42, 1), r.GetRange(0));
                SampleBatch.AssertDecoded(r.Batches, baseOffset: 42);
            }),
        Frame("fetch-filtered-response-empty",
            w => FrameWriter.WriteFetchFilteredResponse(w, 27, 0, 44, 44, [], []),
            (h, body) =>
            {
                AssertHeader(h, Opcode.FetchFiltered, FrameFlags.Response, 27);
                Assert.True(FetchFilteredResponse.TryParse(body, out var r));
                Assert.Equal(44, r.NextOffset);
                Assert.Equal(0, r.RangeCount);
                Assert.True(r.Batches.IsEmpty);
            }),
    ];
}
