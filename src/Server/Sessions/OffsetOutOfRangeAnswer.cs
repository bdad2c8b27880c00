namespace FastBroker.Server.Sessions;

/// <summary>An OffsetOutOfRange error waiting to be written, with the partition's bounds at the time of the check.</summary>
internal sealed record OffsetOutOfRangeAnswer(string Message, long LogStartOffset, long LogEndOffset);
