namespace FastBroker.Wire;

/// <summary>Frame opcodes. A response carries its request's opcode with <see cref="FrameFlags.Response"/> set,
/// or <see cref="Error"/> when the request failed.</summary>
public enum Opcode : ushort
{
    /// <summary>First frame on every connection: magic, version, client name, auth.</summary>
    Handshake = 0x0001,
    /// <summary>Liveness check; the body is echoed back.</summary>
    Ping = 0x0002,
    /// <summary>Create a topic with N partitions.</summary>
    CreateTopic = 0x0010,
    /// <summary>Delete a topic and all its data.</summary>
    DeleteTopic = 0x0011,
    /// <summary>List topics with their partition counts.</summary>
    ListTopics = 0x0012,
    /// <summary>Partition count and per-partition start/end offsets of one topic.</summary>
    TopicMetadata = 0x0013,
    /// <summary>Append one record batch to a partition.</summary>
    Publish = 0x0020,
    /// <summary>Read record batches from a partition at an offset, with long poll.</summary>
    Fetch = 0x0021,
    /// <summary>Store a named consumer position.</summary>
    CommitPosition = 0x0030,
    /// <summary>Read a named consumer position.</summary>
    ReadPosition = 0x0031,
    /// <summary>Error response: code and message.</summary>
    Error = 0x00FF,
}
