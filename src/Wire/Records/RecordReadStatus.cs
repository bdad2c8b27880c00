namespace FastBroker.Wire.Records;

/// <summary>Outcome of reading the next record of a batch.</summary>
public enum RecordReadStatus
{
    /// <summary>A record was read.</summary>
    Ok,
    /// <summary>The batch has no more records.</summary>
    End,
    /// <summary>The bytes do not form a record; the batch is corrupt.</summary>
    Malformed,
}
