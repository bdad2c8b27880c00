namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// Where a segment scan stopped. <see cref="EndPosition"/> and <see cref="NextOffset"/> are just past the last
/// sound batch; <see cref="Problem"/> is null when the scan reached the end of the file, else why the batch at
/// <see cref="EndPosition"/> was rejected. <see cref="OffsetAtMark"/> is the offset at the requested file
/// position when a batch boundary fell exactly there, else -1.
/// </summary>
internal readonly record struct ScanResult(long EndPosition, long NextOffset, long FileLength, string? Problem, long OffsetAtMark);
