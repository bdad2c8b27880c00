using System.Buffers.Binary;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// A send time carried in a payload's first 8 bytes (little-endian <see cref="TimeProvider.GetTimestamp"/>
/// ticks of the harness process; publishers and consumers share the process, so one monotonic clock serves both).
/// </summary>
internal static class PayloadStamp
{
    /// <summary>Smallest payload that can carry a stamp.</summary>
    public const int Bytes = sizeof(long);

    /// <summary>Writes <paramref name="timestamp"/> into the start of <paramref name="payload"/>.</summary>
    public static void Write(Span<byte> payload, long timestamp) => BinaryPrimitives.WriteInt64LittleEndian(payload, timestamp);

    /// <summary>Reads the stamp; false when the payload is too short to hold one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out long timestamp)
        => BinaryPrimitives.TryReadInt64LittleEndian(payload, out timestamp);
}
