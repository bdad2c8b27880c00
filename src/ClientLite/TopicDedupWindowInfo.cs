namespace FastBroker.ClientLite;

/// <summary>The deduplication window a topic is under (PROTOCOL.md 6.8), as the broker reports it.</summary>
/// <param name="Window">A message whose dedup id was stored in its partition this recently is not stored again;
/// <see cref="TimeSpan.Zero"/> when deduplication is off.</param>
/// <param name="IsTopics">True when the window is the topic's own setting, false when it is the broker's default.</param>
public sealed record TopicDedupWindowInfo(TimeSpan Window, bool IsTopics);
