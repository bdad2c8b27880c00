namespace FastBroker.ClientLite;

/// <summary>Settings of a <see cref="TopicReader"/>.</summary>
public sealed class TopicReaderOptions
{
    /// <summary>Partitions to read; null (the default) reads all of them.</summary>
    public IReadOnlyList<int>? Partitions { get; init; }

    /// <summary>Where to start in a partition the group has no position for (or always, without a group). Default earliest.</summary>
    public StartPosition Start { get; init; } = StartPosition.Earliest;

    /// <summary>Consumer group whose committed positions are resumed from and stored by <see cref="TopicReader.CommitAsync"/>.</summary>
    public string? Group { get; init; }

    /// <summary>How long one fetch waits at the end of a partition for new data. Default 500 ms.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Soft cap on the bytes one fetch returns (at least one whole batch comes back). Default 1 MiB.</summary>
    public int MaxBytes { get; init; } = 1024 * 1024;

    /// <summary>How long the reader keeps trying to reconnect after losing its connection before it throws. Default 30 s.</summary>
    public TimeSpan ReconnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First delay before reconnecting; it doubles (jittered) up to <see cref="MaxReconnectBackoff"/>. Default 100 ms.</summary>
    public TimeSpan InitialReconnectBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between reconnect attempts. Default 5 s.</summary>
    public TimeSpan MaxReconnectBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Settings of the connections the reader opens (its clock is the reader's clock).</summary>
    public BrokerConnectionOptions Connection { get; init; } = BrokerConnectionOptions.Default;

    internal static TopicReaderOptions Default { get; } = new();
}
