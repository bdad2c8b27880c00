using FastBroker.Server.Subscriptions;
using FastBroker.Wire;

namespace FastBroker.Server.Sessions;

/// <summary>A delivery of an ack-mode-none subscription, held back until its acks are durable: at-most-once means
/// a restart must never deliver these messages again.</summary>
internal sealed class DurableDelivery(Session session, DeliveryFrame frame) : ISettleCompletion
{
    public void SettleDurable(uint requestId, Opcode opcode, uint applied) => session.EnqueueFrame(opcode, requestId, frame, null);

    public void SettleFailed(uint requestId, ErrorCode code, string message)
    {
        Topics.BatchBuffers.Pool.Return(frame.Buffer);
        session.FailRequest(requestId, code, message);
    }
}
