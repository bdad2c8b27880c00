using FastBroker.Wire;

namespace FastBroker.Server.Topics;

/// <summary>Where a partition loop reports the outcome of a publish. Implementations must not block: they run on
/// the partition's writer loop.</summary>
internal interface IPublishCompletion
{
    void PublishSucceeded(uint requestId, long baseOffset, int batchBytes);
    void PublishFailed(uint requestId, ErrorCode code, string message, int batchBytes);
}
