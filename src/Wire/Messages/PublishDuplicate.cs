namespace FastBroker.Wire.Messages;

/// <summary>
/// One record of a published batch that the broker did not store because its deduplication id (PROTOCOL.md section
/// 6.8) was stored before: <paramref name="RecordIndex"/> counts the records of the batch as published, from 0, and
/// <paramref name="OriginalOffset"/> is the offset of the record stored with that id.
/// </summary>
/// <param name="RecordIndex">The record's index in the published batch.</param>
/// <param name="OriginalOffset">The offset the id's first record was stored at.</param>
public readonly record struct PublishDuplicate(int RecordIndex, long OriginalOffset);
