namespace FastBroker.ClientLite;

/// <summary>A topic as listed by the broker.</summary>
/// <param name="Name">Topic name.</param>
/// <param name="Partitions">Number of partitions.</param>
public sealed record TopicInfo(string Name, int Partitions)
{
    /// <summary>
    /// The id the broker gave this topic when it was created. A topic deleted and created again under the same name
    /// has another id, so two listings that show the same name with different ids show two different topics (whose
    /// offsets both start at 0). <see cref="Guid.Empty"/> when the broker predates topic ids.
    /// </summary>
    public Guid TopicId { get; init; }
}
