namespace FastBroker.ClientLite;

/// <summary>The offsets a partition holds: records [<paramref name="StartOffset"/>, <paramref name="EndOffset"/>).</summary>
/// <param name="StartOffset">Lowest offset still stored.</param>
/// <param name="EndOffset">Offset the next acknowledged record will get.</param>
public readonly record struct PartitionRange(long StartOffset, long EndOffset);
