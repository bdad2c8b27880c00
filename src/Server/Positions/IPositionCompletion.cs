using FastBroker.Wire;

namespace FastBroker.Server.Positions;

/// <summary>Who hears that a committed position is durable (or could not be stored). Runs on the position store's
/// loop: must not block.</summary>
internal interface IPositionCompletion
{
    void PositionCommitted(uint requestId);
    void PositionFailed(uint requestId, ErrorCode code, string message);
}
