namespace FastBroker.ClientLite;

/// <summary>The retention a topic is under, as the broker reports it (the topic's own values, else the broker's defaults).</summary>
/// <param name="MaxAge">Records older than this may be deleted; null when there is no age limit.</param>
/// <param name="MaxBytes">Each partition keeps at most about this many bytes; null when there is no size limit.</param>
/// <param name="AgeIsTopics">True when the age limit is the topic's own setting, false when it is the broker's default.</param>
/// <param name="BytesIsTopics">True when the size limit is the topic's own setting, false when it is the broker's default.</param>
public sealed record TopicRetentionInfo(TimeSpan? MaxAge, long? MaxBytes, bool AgeIsTopics, bool BytesIsTopics);
