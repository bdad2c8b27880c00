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
    /// <summary>Change a topic's retention, or reset it to the broker's default.</summary>
    AlterTopic = 0x0014,
    /// <summary>The offset of the first record at or after a time (or the log start or end) in partitions of a topic.</summary>
    ListOffsets = 0x0015,
    /// <summary>Append one record batch to a partition.</summary>
    Publish = 0x0020,
    /// <summary>Read record batches from a partition at an offset, with long poll.</summary>
    Fetch = 0x0021,
    /// <summary>Read only the records that match a filter, as whole stored batches plus the offsets that matched.</summary>
    FetchFiltered = 0x0022,
    /// <summary>Obtain an idempotent producer's id and epoch, or a new epoch of an existing producer (fencing the older).</summary>
    InitProducer = 0x0023,
    /// <summary>Store a named consumer position.</summary>
    CommitPosition = 0x0030,
    /// <summary>Read a named consumer position.</summary>
    ReadPosition = 0x0031,
    /// <summary>List every consumer group with a stored position, and the topics it has positions on.</summary>
    ListGroups = 0x0032,
    /// <summary>A consumer group's committed positions in a topic's partitions, with the log bounds and the lag.</summary>
    DescribeGroup = 0x0033,
    /// <summary>Move a consumer group's positions in a topic to the log start or end, an offset or a time.</summary>
    ResetGroup = 0x0034,
    /// <summary>Join a consumer group's membership of a topic, or rejoin as the same member; answers the member's assignment.</summary>
    JoinGroup = 0x0035,
    /// <summary>Keep a membership alive, report the partitions still read, and learn the current assignment.</summary>
    Heartbeat = 0x0036,
    /// <summary>Leave a consumer group's membership of a topic: its partitions go to the other members at once.</summary>
    LeaveGroup = 0x0037,
    /// <summary>Create a shared subscription (work queue) on a topic.</summary>
    CreateSubscription = 0x0040,
    /// <summary>Delete a shared subscription and its ack state.</summary>
    DeleteSubscription = 0x0041,
    /// <summary>Settings and counters of one shared subscription.</summary>
    SubscriptionStats = 0x0042,
    /// <summary>Move a shared subscription's position in every partition: to its start, its end, an offset or a time.</summary>
    ResetSubscription = 0x0043,
    /// <summary>Pull up to N messages from a shared subscription, with long poll.</summary>
    Receive = 0x0050,
    /// <summary>Acknowledge delivered messages: done, never delivered again.</summary>
    Ack = 0x0051,
    /// <summary>Give delivered messages back, visible again now or after a delay.</summary>
    Nack = 0x0052,
    /// <summary>Push the visibility deadline of delivered messages further out.</summary>
    Extend = 0x0053,
    /// <summary>Start push delivery on this connection with an initial credit.</summary>
    Subscribe = 0x0054,
    /// <summary>Grant a push subscription more credit.</summary>
    Credit = 0x0055,
    /// <summary>A push delivery from the broker (flags Response|Push, request id of the Subscribe).</summary>
    Deliver = 0x0056,
    /// <summary>Stop push delivery; messages already delivered stay in flight.</summary>
    Unsubscribe = 0x0057,
    /// <summary>Error response: code and message.</summary>
    Error = 0x00FF,
}
