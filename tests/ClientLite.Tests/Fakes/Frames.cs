using System.Buffers;
using System.Text;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>Frame builders for the fake's answers.</summary>
internal static class Frames
{
    public static byte[] Build(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Error(uint requestId, ErrorCode code, string message)
        => Build(w => FrameWriter.WriteError(w, requestId, code, message));

    public static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
