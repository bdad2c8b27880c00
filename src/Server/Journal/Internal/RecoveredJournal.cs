namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// A journal directory after recovery: its segments in offset order (the last one is active) and the open
/// checkpoint file, whose latest record covers everything in the segments.
/// </summary>
internal sealed record RecoveredJournal(Segment[] Segments, CheckpointFile Checkpoint);
