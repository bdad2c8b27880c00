namespace FastBroker.Server.Topics.Dedup;

/// <summary>What deduplication (PROTOCOL.md 6.8) makes of one published batch.</summary>
internal enum DedupOutcome : byte
{
    /// <summary>No record is a duplicate: the batch is stored as published.</summary>
    Unchanged,
    /// <summary>Some records are duplicates: the rest are stored as one batch the broker writes.</summary>
    Trimmed,
    /// <summary>Every record is a duplicate: nothing is stored.</summary>
    AllDuplicates,
    /// <summary>A record's id is empty or too long: the batch is refused.</summary>
    Refused,
}
