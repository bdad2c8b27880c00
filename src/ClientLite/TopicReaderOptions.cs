using FastBroker.Wire.Filters;

namespace FastBroker.ClientLite;

/// <summary>Settings of a <see cref="TopicReader"/>.</summary>
public sealed class TopicReaderOptions
{
    /// <summary>Partitions to read; null (the default) reads all of them. Not allowed with a pattern (<see cref="TopicReader.ForPattern"/>).</summary>
    public IReadOnlyList<int>? Partitions { get; init; }

    /// <summary>
    /// Where to start in a partition the group has no position for (or always, without a group). Default earliest.
    /// A pattern reader applies it to the topics that match when it starts; a topic it discovers later was created
    /// (or began to match) after the reader started, so <see cref="StartPosition.Latest"/> reads such a topic from
    /// its earliest offset, so that nothing published to it after the reader started is missed.
    /// <see cref="StartPosition.At"/> is resolved per partition, with one ListOffsets request for the partitions of a
    /// topic that have no group position, when the reader opens the topic.
    /// </summary>
    public StartPosition Start { get; init; } = StartPosition.Earliest;

    /// <summary>
    /// Consumer group whose committed positions are resumed from and stored by <see cref="TopicReader.CommitAsync"/>.
    /// A reader of one topic with a group and no <see cref="Partitions"/> joins the group (PROTOCOL.md 5.29): the
    /// broker assigns it a share of the topic's partitions (<see cref="TopicReader.AssignedPartitions"/>), which moves
    /// as readers of the group come and go. With <see cref="Partitions"/>, or for a pattern reader, the reader does
    /// not join: it reads the partitions it was given and commits without membership, which the broker refuses
    /// (<see cref="Wire.ErrorCode.GroupBusy"/>) while the group has members on the topic.
    /// </summary>
    public string? Group { get; init; }

    /// <summary>
    /// How long the broker keeps a reader's group membership without a heartbeat (1 s to 5 min); the reader heartbeats
    /// three times per session while it is being read (<see cref="TopicReader.ReadAllAsync"/>). A reader that stops
    /// reading for longer, or whose process dies, loses its partitions to the other members after this long.
    /// Default 10 s.
    /// </summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A filter (PROTOCOL.md section 14, e.g. <c>key ~ "eu.#" and header(type) = "created"</c>) the broker applies:
    /// the reader yields only matching messages, expired ones never, and its positions (and so its group's commits)
    /// still move past the messages that did not match. Null (the default) reads every message. An invalid filter
    /// throws <see cref="ArgumentException"/> here, saying what is wrong.
    /// </summary>
    public string? Filter
    {
        get => _filter;
        init
        {
            if (value is not null && !MessageFilter.TryParse(value, out _, out string? error))
                throw new ArgumentException($"invalid filter: {error}", nameof(Filter));
            _filter = value;
        }
    }

    private readonly string? _filter;

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

    /// <summary>
    /// How often a pattern reader lists the broker's topics to start reading new matching topics, stop reading
    /// deleted ones and read anew the ones deleted and created again (another topic id); and how often a reader of
    /// one topic checks that its topic is still the one it opened. Both also check right after a reconnect.
    /// Default 5 s; must be positive.
    /// </summary>
    public TimeSpan TopicRefreshInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// False (the default): messages whose <c>fb-expires</c> time (PROTOCOL.md section 6.6) is at or before the
    /// reader's clock when they are read are skipped (their offsets still count as read, so a commit moves past
    /// them). True: every message is yielded; <see cref="TopicMessage.ExpiresAt"/> tells which have expired.
    /// </summary>
    public bool IncludeExpired { get; init; }

    /// <summary>Settings of the connections the reader opens (its clock is the reader's clock, also used for expiry).</summary>
    public BrokerConnectionOptions Connection { get; init; } = BrokerConnectionOptions.Default;

    internal static TopicReaderOptions Default { get; } = new();
}
