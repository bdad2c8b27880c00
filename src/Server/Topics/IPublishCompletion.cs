using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Topics;

/// <summary>Where a partition loop reports the outcome of a publish. Implementations must not block: they run on
/// the partition's writer loop.</summary>
internal interface IPublishCompletion
{
    void PublishSucceeded(uint requestId, long baseOffset, int batchBytes);
    /// <summary>Some or all records were dropped as duplicates (PROTOCOL.md 6.8); <paramref name="baseOffset"/> is the
    /// first stored record's, −1 when none was stored. By default answered as a plain success.</summary>
    void PublishDeduplicated(uint requestId, long baseOffset, PublishDuplicate[] duplicates, int batchBytes)
        => PublishSucceeded(requestId, baseOffset, batchBytes);

    void PublishFailed(uint requestId, ErrorCode code, string message, int batchBytes);
}
