namespace FastBroker.Server.Journal;

/// <summary>
/// The journal hit an I/O error while writing or syncing and accepts no more writes. A failed fsync is not
/// retried: the kernel may already have dropped the dirty pages, so a later success would prove nothing.
/// Reopening the journal (which recovers from the files) is the way back.
/// </summary>
public sealed class JournalFailedException : Exception
{
    /// <summary>Creates the exception with the reason the journal stopped, and the I/O error behind it.</summary>
    public JournalFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
