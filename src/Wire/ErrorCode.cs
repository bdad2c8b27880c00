namespace FastBroker.Wire;

/// <summary>Error codes carried by <see cref="Opcode.Error"/> frames. Values are stable across versions.</summary>
public enum ErrorCode : ushort
{
    /// <summary>No error.</summary>
    None = 0,
    /// <summary>The body does not match the opcode's grammar.</summary>
    MalformedFrame = 1,
    /// <summary>The opcode is not defined in this protocol version.</summary>
    UnknownOpcode = 2,
    /// <summary>A frame other than Handshake arrived first, or a second handshake arrived. Connection closes.</summary>
    HandshakeRequired = 3,
    /// <summary>The handshake magic is not "FBRK". Connection closes.</summary>
    BadMagic = 4,
    /// <summary>The handshake asked for a protocol version the broker does not speak. Connection closes.</summary>
    UnsupportedVersion = 5,
    /// <summary>The length prefix exceeds the broker's frame cap. Connection closes.</summary>
    FrameTooLarge = 6,
    /// <summary>A record is larger than the broker's message cap; the batch was not stored.</summary>
    MessageTooLarge = 7,
    /// <summary>A field is out of its allowed range.</summary>
    InvalidArgument = 8,
    /// <summary>The topic name is empty, too long, or has characters outside [A-Za-z0-9._-].</summary>
    InvalidTopicName = 9,
    /// <summary>No such topic (and auto-create is off).</summary>
    UnknownTopic = 10,
    /// <summary>CreateTopic named a topic that exists.</summary>
    TopicExists = 11,
    /// <summary>The partition index is not below the topic's partition count.</summary>
    UnknownPartition = 12,
    /// <summary>The record batch failed its CRC or structural checks; nothing was stored.</summary>
    CorruptBatch = 13,
    /// <summary>The fetch offset is below the log start or above the log end.</summary>
    OffsetOutOfRange = 14,
    /// <summary>
    /// The partition refuses service: all of it when it could not be opened (corruption below its checkpoint), writes
    /// only after a failed fsync (until the broker restarts; reads go on).
    /// </summary>
    PartitionUnavailable = 15,
    /// <summary>
    /// A storage I/O error (including running out of file descriptors); the request's data is not acknowledged, and
    /// the message says whether anything of it may remain.
    /// </summary>
    StorageError = 16,
    /// <summary>The broker is shutting down.</summary>
    ShuttingDown = 17,
    /// <summary>The request uses a feature this broker does not support (compression, auth mechanism, ...).</summary>
    UnsupportedFeature = 18,
    /// <summary>An unexpected broker fault; the request may not have been applied.</summary>
    InternalError = 19,
    /// <summary>No such shared subscription on the topic (or no such push subscription on the connection).</summary>
    UnknownSubscription = 20,
    /// <summary>CreateSubscription named a subscription that exists.</summary>
    SubscriptionExists = 21,
    /// <summary>The broker refuses the connection: its connection cap or the process's descriptor limit is reached.</summary>
    ConnectionLimit = 22,
    /// <summary>The connection missed a deadline (handshake not completed, or a frame left half sent) and is closed.</summary>
    Timeout = 23,
    /// <summary>
    /// The broker's data filesystem has less free space than its watermark; the publish was refused before anything
    /// was stored. Retry once space has been freed.
    /// </summary>
    DiskFull = 24,
    /// <summary>
    /// ResetSubscription refused: the subscription has messages in flight (or moving to its dead-letter topic) or a
    /// push consumer attached. Nothing changed; settle them or unsubscribe, then retry.
    /// </summary>
    SubscriptionBusy = 25,
    /// <summary>
    /// The group has members on the topic: a ResetGroup (PROTOCOL.md 5.28), or a CommitPosition without member fields
    /// (5.9), is refused and changes nothing. Stop the group's readers (or let their sessions end), then retry.
    /// </summary>
    GroupBusy = 26,
    /// <summary>
    /// The member id is not (or no longer) a member of the group on that topic: its session timed out, it left, or
    /// the broker restarted. Join again (PROTOCOL.md 5.29).
    /// </summary>
    UnknownMember = 27,
    /// <summary>
    /// A member's commit was fenced: it does not own the partition (any more), or it named a generation the group has
    /// not reached. Heartbeat to learn the current assignment (PROTOCOL.md 5.9).
    /// </summary>
    StaleGeneration = 28,
    /// <summary>
    /// An idempotent batch's base sequence is not the next one the partition expects from its producer and is not a
    /// duplicate of a recent batch; nothing was stored.
    /// </summary>
    OutOfOrderSequence = 29,
    /// <summary>An idempotent batch carries an older epoch than its producer's current one (a newer instance took over); nothing was stored.</summary>
    ProducerFenced = 30,
}
