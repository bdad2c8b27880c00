namespace FastBroker.ClientLite;

/// <summary>
/// Messages a <see cref="TopicReader"/> never read because the broker deleted them first (retention): it stood at
/// <paramref name="FromOffset"/>, below the partition's start, and continued at <paramref name="ToOffset"/>, the start.
/// </summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="FromOffset">The first offset skipped.</param>
/// <param name="ToOffset">Where reading continues: the partition's first stored offset (not skipped).</param>
public sealed record SkippedRange(string Topic, int Partition, long FromOffset, long ToOffset)
{
    /// <summary>How many messages were skipped.</summary>
    public long Count => ToOffset - FromOffset;
}
