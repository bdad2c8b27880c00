namespace FastBroker.Wire.Messages.Queues;

/// <summary>What a ResetSubscription did to one partition (PROTOCOL.md section 5.25).</summary>
/// <param name="Offset">The subscription's new position: every message below it is settled, every one at or above it
/// is to be delivered.</param>
/// <param name="Skipped">Messages below the new position that were not settled before and are settled by the reset
/// without delivery (0 when the position moved back).</param>
public readonly record struct PartitionReset(long Offset, long Skipped);
