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

    /// <summary>Marker for "no position committed" in a ReadPosition response.</summary>
    public const long NoPosition = -1;
}
