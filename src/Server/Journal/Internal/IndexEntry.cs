namespace FastBroker.Server.Journal.Internal;

/// <summary>A sparse index entry: the batch whose base offset is <see cref="Offset"/> starts at file <see cref="Position"/>.</summary>
internal readonly record struct IndexEntry(long Offset, long Position);
