namespace FastBroker.ClientLite;

/// <summary>A consumer group's position in one partition and how far behind the partition's end it is.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition index.</param>
/// <param name="Committed">The committed next offset, or null when the group has no position in this partition.</param>
/// <param name="LogStart">The partition's first stored offset; −1 when the broker could not open the partition.</param>
/// <param name="LogEnd">The offset the next published message will get; −1 when the broker could not open the partition.</param>
/// <param name="Lag">
/// Messages not consumed yet: <paramref name="LogEnd"/> minus <paramref name="Committed"/>, or minus
/// <paramref name="LogStart"/> when there is no position or it is below the start (a reader would start there); 0 when
/// caught up; −1 when the broker could not open the partition.
/// </param>
/// <param name="OldestUnconsumedAge">
/// How long ago the oldest message not consumed yet was stamped (by the timestamp of the stored batch holding it); null
/// when the group is caught up or the broker could not read it.
/// </param>
public sealed record GroupPartitionInfo(string Topic, int Partition, long? Committed, long LogStart, long LogEnd, long Lag, TimeSpan? OldestUnconsumedAge);
