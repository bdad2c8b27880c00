namespace FastBroker.Wire.Messages.Queues;

/// <summary>The ResetSubscription response (PROTOCOL.md section 5.25): u32 count, then per partition in partition
/// order an i64 offset and an i64 skipped count.</summary>
public static class ResetSubscriptionResponse
{
    /// <summary>Bytes of one partition's entry.</summary>
    public const int EntrySize = 16;

    /// <summary>Body length for <paramref name="partitions"/> entries.</summary>
    public static int BodyLength(int partitions) => 4 + EntrySize * partitions;

    /// <summary>Parses a body into one entry per partition; false unless it holds exactly the declared entries.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out PartitionReset[] partitions)
    {
        partitions = [];
        var r = new SpanReader(body);
        if (!r.TryReadUInt32(out uint count) || (ulong)count * EntrySize != (ulong)r.Remaining.Length) return false;
        var result = new PartitionReset[count];
        for (int i = 0; i < result.Length; i++)
        {
            r.TryReadInt64(out long offset);
            r.TryReadInt64(out long skipped);
            result[i] = new PartitionReset(offset, skipped);
        }
        partitions = result;
        return true;
    }
}
