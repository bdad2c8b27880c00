using System.Buffers.Binary;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// A send time carried in a payload's first 8 bytes (little-endian <see cref="TimeProvider.GetTimestamp"/>
/// ticks of the harness process; publishers and consumers share the process, so one monotonic clock serves both),
/// and, where a run checks delivery (fanout), the message's sequence number of the run in the next 8 bytes.
/// </summary>
internal static class PayloadStamp
{
    /// <summary>Smallest payload that can carry a stamp.</summary>
    public const int Bytes = sizeof(long);

    /// <summary>Smallest payload that can carry a stamp and a sequence number.</summary>
    public const int SequencedBytes = 2 * sizeof(long);

    /// <summary>Writes <paramref name="timestamp"/> into the start of <paramref name="payload"/>.</summary>
    public static void Write(Span<byte> payload, long timestamp) => BinaryPrimitives.WriteInt64LittleEndian(payload, timestamp);

    /// <summary>Reads the stamp; false when the payload is too short to hold one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out long timestamp)
        => BinaryPrimitives.TryReadInt64LittleEndian(payload, out timestamp);

    /// <summary>Writes <paramref name="sequence"/> after the send time.</summary>
    public static void WriteSequence(Span<byte> payload, long sequence) => BinaryPrimitives.WriteInt64LittleEndian(payload[Bytes..], sequence);

    /// <summary>Reads the sequence number; false when the payload is too short to hold one.</summary>
    public static bool TryReadSequence(ReadOnlySpan<byte> payload, out long sequence)
    {
        if (payload.Length < SequencedBytes)
        {
            sequence = -1;
            return false;
        }
        sequence = BinaryPrimitives.ReadInt64LittleEndian(payload[Bytes..]);
        return true;
    }
}
