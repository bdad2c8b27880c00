using FastBroker.Server.Positions;
using FastBroker.Wire;

namespace FastBroker.Server.Sessions;

internal sealed partial class Session : IPositionCompletion
{
    void IPositionCompletion.PositionCommitted(uint requestId) => Enqueue(new Outbound(OutboundKind.Empty, Opcode.CommitPosition, requestId));

    void IPositionCompletion.PositionFailed(uint requestId, ErrorCode code, string message) => Fail(requestId, code, message);
}
