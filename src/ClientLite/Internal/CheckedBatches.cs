using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Internal;

/// <summary>Takes whole record batches off fetched or delivered bytes, checking each one's header and CRC
/// (PROTOCOL.md section 6.5).</summary>
internal static class CheckedBatches
{
    /// <summary>The batch at the start of <paramref name="rest"/>; false, with the reason, when it is truncated, its
    /// header breaks a rule or it fails its CRC. <paramref name="partition"/>, when not negative, is named in the reason.</summary>
    public static bool TryTake(ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> batch, out string? problem, int partition = -1)
    {
        batch = default;
        var header = rest.Length < RecordBatchHeader.Size ? default : RecordBatchHeader.Read(rest);
        var check = rest.Length < RecordBatchHeader.Size ? BatchHeaderProblem.PastEnd : RecordBatchHeader.Check(header, rest.Length);
        if (check != BatchHeaderProblem.None)
        {
            problem = check switch
            {
                BatchHeaderProblem.PastEnd => "a truncated record batch",
                BatchHeaderProblem.LengthBelowHeader => "a record batch whose length is below its header's size",
                BatchHeaderProblem.UnknownFormatVersion => $"a record batch at offset {header.BaseOffset} in an unknown format version",
                BatchHeaderProblem.UnsupportedAttributes => $"a record batch at offset {header.BaseOffset} with attributes this client does not support",
                _ => $"a record batch at offset {header.BaseOffset} with no records",
            } + Where(partition);
            return false;
        }
        batch = rest[..header.Length];
        if (!RecordBatch.CrcMatches(batch))
        {
            problem = $"a record batch at offset {RecordBatch.ReadBaseOffset(batch)}{Where(partition)} failed its CRC check";
            batch = default;
            return false;
        }
        problem = null;
        return true;
    }

    private static string Where(int partition) => partition < 0 ? "" : $" of partition {partition}";
}
