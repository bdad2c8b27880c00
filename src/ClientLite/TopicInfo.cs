namespace FastBroker.ClientLite;

/// <summary>A topic as listed by the broker.</summary>
/// <param name="Name">Topic name.</param>
/// <param name="Partitions">Number of partitions.</param>
public sealed record TopicInfo(string Name, int Partitions);
