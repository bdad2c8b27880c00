using FastBroker.Wire;

namespace FastBroker.Server.Topics.Producers;

/// <summary>What the writer loop does with one batch: append it, answer it with the offset it was stored at before
/// (<see cref="DuplicateOf"/> ≥ 0), or refuse it (<see cref="Code"/> and <see cref="Message"/>).</summary>
internal readonly record struct ProducerVerdict(long DuplicateOf, ErrorCode Code, string? Message)
{
    public static ProducerVerdict Append => new(-1, ErrorCode.None, null);

    public bool IsAppend => DuplicateOf < 0 && Code == ErrorCode.None;

    public bool IsDuplicate => DuplicateOf >= 0;

    public static ProducerVerdict Duplicate(long baseOffset) => new(baseOffset, ErrorCode.None, null);

    public static ProducerVerdict Refuse(ErrorCode code, string message) => new(-1, code, message);
}
