using FastBroker.Wire.Messages;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests.Vectors;

internal static partial class SpecVectors
{
    // The idempotent-producer vectors (request ids 50 and 51): a new producer gets id 7000, epoch 0; a restarted one
    // resumes it and gets epoch 1, which fences epoch 0.
    private static SpecVector[] ProducerVectors() =>
    [
        Frame("init-producer-request",
            w => FrameWriter.WriteInitProducer(w, 50, -1, -1),
            (h, body) =>
            {
                AssertHeader(h, Opcode.InitProducer, FrameFlags.None, 50);
                Assert.True(InitProducerMessage.TryParse(body, out var r));
                Assert.Equal(InitProducerMessage.NoProducerId, r.ProducerId);
                Assert.Equal((short)-1, r.Epoch);
            }),
        Frame("init-producer-response",
            w => FrameWriter.WriteInitProducerResponse(w, 50, 7000, 0),
            (h, body) =>
            {
                AssertHeader(h, Opcode.InitProducer, FrameFlags.Response, 50);
                Assert.True(InitProducerMessage.TryParse(body, out var r));
                Assert.Equal(7000, r.ProducerId);
                Assert.Equal((short)0, r.Epoch);
            }),
        Frame("init-producer-request-resume",
            w => FrameWriter.WriteInitProducer(w, 51, 7000, 0),
            (h, body) =>
            {
                AssertHeader(h, Opcode.InitProducer, FrameFlags.None, 51);
                Assert.True(InitProducerMessage.TryParse(body, out var r));
                Assert.Equal(7000, r.ProducerId);
                Assert.Equal((short)0, r.Epoch);
            }),
        Frame("init-producer-response-resume",
            w => FrameWriter.WriteInitProducerResponse(w, 51, 7000, 1),
            (h, body) =>
            {
                AssertHeader(h, Opcode.InitProducer, FrameFlags.Response, 51);
                Assert.True(InitProducerMessage.TryParse(body, out var r));
                Assert.Equal(7000, r.ProducerId);
                Assert.Equal((short)1, r.Epoch);
            }),
        Frame("error-out-of-order-sequence",
            w => FrameWriter.WriteError(w, 52, ErrorCode.OutOfOrderSequence, "producer 7000 epoch 1: base sequence 12 is not the next one (10) nor a recent batch's; nothing was stored"),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Error, FrameFlags.Response, 52);
                Assert.True(ErrorResponse.TryParse(body, out var r));
                Assert.Equal(ErrorCode.OutOfOrderSequence, r.Code);
                Assert.Equal((ushort)29, (ushort)r.Code);
            }),
    ];
}
