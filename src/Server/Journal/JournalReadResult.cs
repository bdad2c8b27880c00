namespace FastBroker.Server.Journal;

/// <summary>
/// Outcome of <see cref="PartitionJournal.Read"/>: <paramref name="BytesWritten"/> bytes holding
/// <paramref name="BatchCount"/> whole batches; or, when the first batch did not fit, nothing written and
/// <paramref name="RequiredBytes"/> set to that batch's length.
/// </summary>
/// <param name="BytesWritten">Bytes of whole batches copied to the destination.</param>
/// <param name="RequiredBytes">Length of the first batch when it did not fit; otherwise 0.</param>
/// <param name="BatchCount">Number of batches copied.</param>
public readonly record struct JournalReadResult(int BytesWritten, int RequiredBytes, int BatchCount);
