using System.Buffers;
using System.Text;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Testing;

/// <summary>Encodes frames to arrays and cuts single frames back out, for test setup and assertions.</summary>
public static class Frames
{
    public static byte[] Encode(Action<ArrayBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Error(uint requestId, ErrorCode code, string message)
        => Encode(w => FrameWriter.WriteError(w, requestId, code, message));

    /// <summary>Parses exactly one whole frame; fails the test if the bytes are anything else.</summary>
    public static (FrameHeader Header, byte[] Body) ParseSingle(byte[] frame, int maxBodyBytes = Protocol.DefaultMaxFrameBytes)
    {
        var buffer = new ReadOnlySequence<byte>(frame);
        var status = FrameParser.TryReadFrame(ref buffer, maxBodyBytes, out var header, out var body);
        Assert.Equal(FrameStatus.Complete, status);
        Assert.True(buffer.IsEmpty, $"{buffer.Length} bytes left after the frame");
        Assert.Equal(frame.Length - FrameHeader.Size, header.BodyLength);
        return (header, body.ToArray());
    }

    public static void AssertHeader(FrameHeader header, Opcode opcode, FrameFlags flags, uint requestId)
    {
        Assert.Equal(opcode, header.Opcode);
        Assert.Equal(flags, header.Flags);
        Assert.Equal(requestId, header.RequestId);
    }

    public static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
