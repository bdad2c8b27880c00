using System.Buffers;

namespace FastBroker.Wire;

/// <summary>Cuts frames out of a byte stream without copying the body.</summary>
public static class FrameParser
{
    /// <summary>
    /// Tries to read one frame from the start of <paramref name="buffer"/>. On <see cref="FrameStatus.Complete"/>
    /// <paramref name="buffer"/> is sliced past the frame and <paramref name="body"/> refers to the frame's body
    /// in place. The declared length is checked against <paramref name="maxBodyBytes"/> before waiting for the
    /// body, so a lying length prefix never makes the caller buffer more than the cap.
    /// </summary>
    public static FrameStatus TryReadFrame(
        ref ReadOnlySequence<byte> buffer, int maxBodyBytes, out FrameHeader header, out ReadOnlySequence<byte> body)
    {
        body = default;
        if (buffer.Length < FrameHeader.Size)
        {
            header = default;
            return FrameStatus.Incomplete;
        }

        Span<byte> scratch = stackalloc byte[FrameHeader.Size];
        buffer.Slice(0, FrameHeader.Size).CopyTo(scratch);
        header = FrameHeader.Read(scratch);
        if ((uint)header.BodyLength > (uint)maxBodyBytes)
            return FrameStatus.TooLarge;

        long total = FrameHeader.Size + (long)header.BodyLength;
        if (buffer.Length < total)
            return FrameStatus.Incomplete;

        body = buffer.Slice(FrameHeader.Size, header.BodyLength);
        buffer = buffer.Slice(total);
        return FrameStatus.Complete;
    }
}
