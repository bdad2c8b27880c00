namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// A sparse time index entry: the batch at file <see cref="Position"/>, whose base offset is <see cref="Offset"/>,
/// brings the largest record timestamp of its segment so far to <see cref="Timestamp"/>.
/// </summary>
internal readonly record struct TimeIndexEntry(long Timestamp, long Offset, long Position);
