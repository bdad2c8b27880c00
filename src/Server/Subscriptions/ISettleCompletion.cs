using FastBroker.Wire;

namespace FastBroker.Server.Subscriptions;

/// <summary>Who hears that an ack (or any settle) is durable. Runs on the ack log's loop: must not block.</summary>
internal interface ISettleCompletion
{
    void SettleDurable(uint requestId, Opcode opcode, uint applied);
    void SettleFailed(uint requestId, ErrorCode code, string message);
}
