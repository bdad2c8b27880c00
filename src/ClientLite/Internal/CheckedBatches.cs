using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Internal;

/// <summary>Takes whole record batches off fetched bytes, checking each one's length and CRC (PROTOCOL.md section 6.5).</summary>
internal static class CheckedBatches
{
    /// <summary>The batch at the start of <paramref name="rest"/>; false, with the reason, when it is truncated or fails its CRC.</summary>
    public static bool TryTake(ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> batch, out string? problem)
    {
        batch = default;
        if (!RecordBatch.TryReadLength(rest, int.MaxValue, out int length) || length > rest.Length)
        {
            problem = "a truncated record batch";
            return false;
        }
        batch = rest[..length];
        if (!RecordBatch.CrcMatches(batch))
        {
            problem = $"a record batch at offset {RecordBatch.ReadBaseOffset(batch)} failed its CRC check";
            return false;
        }
        problem = null;
        return true;
    }
}
