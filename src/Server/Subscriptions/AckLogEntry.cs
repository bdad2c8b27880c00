using FastBroker.Wire;

namespace FastBroker.Server.Subscriptions;

/// <summary>One record for the ack log's writer, or a <see cref="AckRecordKind.Marker"/> that completes a waiter
/// (<paramref name="A"/> carries the applied count then).</summary>
internal readonly record struct AckLogEntry(
    AckRecordKind Kind,
    int Partition,
    long A,
    long B,
    ISettleCompletion? Completion = null,
    uint RequestId = 0,
    Opcode Opcode = Opcode.Ack);
