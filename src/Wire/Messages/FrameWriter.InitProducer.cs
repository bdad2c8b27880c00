using System.Buffers;

namespace FastBroker.Wire.Messages;

public static partial class FrameWriter
{
    // init producer = i64 producer id, i16 epoch (request and response alike)
    /// <summary>Writes an InitProducer request: <paramref name="producerId"/> -1 (and epoch -1) asks for a new
    /// producer; an existing id and its epoch ask for the next epoch.</summary>
    public static void WriteInitProducer(IBufferWriter<byte> output, uint requestId, long producerId, short epoch)
        => WriteInitProducer(output, FrameFlags.None, requestId, producerId, epoch);

    /// <summary>Writes an InitProducer response: the producer id and epoch the producer uses from now on.</summary>
    public static void WriteInitProducerResponse(IBufferWriter<byte> output, uint requestId, long producerId, short epoch)
        => WriteInitProducer(output, FrameFlags.Response, requestId, producerId, epoch);

    private static void WriteInitProducer(IBufferWriter<byte> output, FrameFlags flags, uint requestId, long producerId, short epoch)
    {
        var w = Begin(output, Opcode.InitProducer, flags, requestId, InitProducerMessage.Size);
        w.WriteInt64(producerId);
        w.WriteUInt16((ushort)epoch);
        output.Advance(FrameHeader.Size + InitProducerMessage.Size);
    }
}
