namespace FastBroker.Wire.Messages;

/// <summary>The <c>retention source</c> byte of a TopicMetadata response (PROTOCOL.md section 5.6): which of the
/// effective values are the topic's own settings; a clear bit means the value is the broker's default.</summary>
[Flags]
public enum RetentionSource : byte
{
    /// <summary>Both values are the broker's defaults.</summary>
    BrokerDefaults = 0,

    /// <summary>The age limit is the topic's own.</summary>
    TopicAge = 1,

    /// <summary>The size limit is the topic's own.</summary>
    TopicBytes = 2,
}
