namespace FastBroker.Wire;

/// <summary>Constants of FastBroker wire protocol v1 (docs/PROTOCOL.md is normative).</summary>
public static class Protocol
{
    /// <summary>The handshake magic: the ASCII bytes "FBRK" read as a little-endian u32.</summary>
    public const uint Magic = 0x4B524246;

    /// <summary>The only protocol version this library speaks.</summary>
    public const ushort Version = 1;

    /// <summary>Default TCP port of the broker.</summary>
    public const int DefaultPort = 7420;

    /// <summary>Default cap on a frame body (the length prefix); larger frames close the connection.</summary>
    public const int DefaultMaxFrameBytes = 16 * 1024 * 1024;

    /// <summary>Default cap on one record (its encoded length); larger records get <see cref="ErrorCode.MessageTooLarge"/>.</summary>
    public const int DefaultMaxMessageBytes = 1024 * 1024;

    /// <summary>Topic names are 1..249 bytes of [A-Za-z0-9._-], as Kafka's.</summary>
    public const int MaxTopicNameBytes = 249;

    /// <summary>Consumer group names are 1..255 bytes of UTF-8.</summary>
    public const int MaxGroupNameBytes = 255;

    /// <summary>Partitions per topic, at most.</summary>
    public const int MaxPartitions = 1024;

    /// <summary>Longest long-poll a fetch may ask for.</summary>
    public const uint MaxFetchWaitMs = 60_000;

    /// <summary>Longest long-poll a receive may ask for (as SQS).</summary>
    public const uint MaxReceiveWaitMs = 20_000;

    /// <summary>Most messages one receive may ask for.</summary>
    public const uint MaxReceiveMessages = 10_000;

    /// <summary>Longest visibility timeout (as SQS: 12 hours).</summary>
    public const uint MaxVisibilityTimeoutMs = 12 * 60 * 60 * 1000;

    /// <summary>Largest max-deliveries setting (as SQS's maxReceiveCount).</summary>
    public const ushort MaxDeliveriesLimit = 1000;

    /// <summary>Largest max-in-flight setting of a subscription.</summary>
    public const uint MaxInFlightLimit = 10_000_000;

    /// <summary>Most credit a push subscription may hold at once.</summary>
    public const uint MaxCredit = 1_000_000;

    /// <summary>Longest nack delay.</summary>
    public const uint MaxNackDelayMs = MaxVisibilityTimeoutMs;

    /// <summary>Marker for "no position committed" in a ReadPosition response.</summary>
    public const long NoPosition = -1;
}
