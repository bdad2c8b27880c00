namespace FastBroker.Wire.Messages;

/// <summary>
/// The special values of the retention fields of CreateTopic and AlterTopic (PROTOCOL.md sections 5.3, 5.23): a
/// positive value is a limit (milliseconds of age, or bytes per partition).
/// </summary>
public static class TopicRetention
{
    /// <summary>No limit: keep everything, whatever the broker's default.</summary>
    public const long Unlimited = 0;

    /// <summary>Follow the broker's default (<c>serve --retention</c>, <c>--retention-bytes</c>), now and after it changes.</summary>
    public const long BrokerDefault = -1;

    /// <summary>AlterTopic only: leave this value as it is.</summary>
    public const long Unchanged = -2;
}
