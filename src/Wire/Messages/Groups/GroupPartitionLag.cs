namespace FastBroker.Wire.Messages.Groups;

/// <summary>One entry of a DescribeGroup response (PROTOCOL.md 5.27): a group's position in one partition and how far
/// behind the log it is.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition index.</param>
/// <param name="Committed">The committed next offset, or −1 when the group has none in this partition.</param>
/// <param name="LogStart">The partition's first stored offset; −1 when the partition could not be opened.</param>
/// <param name="LogEnd">The offset the next published record will get; −1 when the partition could not be opened.</param>
/// <param name="Lag">Records not yet consumed: log end minus the committed offset, or minus the log start when there
/// is no position or it is below the start; 0 at or past the end; −1 when the partition could not be opened.</param>
/// <param name="AgeMs">How long ago the oldest unconsumed record was stamped, in ms; −1 when the group is caught up
/// (or the time could not be read).</param>
public readonly record struct GroupPartitionLag(string Topic, int Partition, long Committed, long LogStart, long LogEnd, long Lag, long AgeMs);
