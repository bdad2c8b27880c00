namespace FastBroker.Server.Journal;

/// <summary>
/// The journal hit an I/O error while writing or syncing and accepts no more writes. A failed fsync is not
/// retried: the kernel may already have dropped the dirty pages, so a later success would prove nothing.
/// Reopening the journal (which recovers from the files) is the way back. Reads of committed data go on.
/// </summary>
public sealed class JournalFailedException : Exception
{
    /// <summary>Creates the exception with the reason the journal stopped, and the I/O error behind it.</summary>
    public JournalFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Operation = "storage";
    }

    /// <summary>Creates the exception naming the <paramref name="operation"/> that failed ("fsync", ...).</summary>
    public JournalFailedException(string message, string operation, Exception? innerException)
        : base(message, innerException)
    {
        Operation = operation;
    }

    /// <summary>What failed: "fsync", "undoing a failed write", "segment deletion", ...</summary>
    public string Operation { get; }
}
