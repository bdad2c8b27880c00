namespace FastBroker.Server.Journal;

/// <summary>
/// A write of a commit failed (typically ENOSPC) and was undone: the segment file is truncated back to the committed
/// end, a segment rolled in the same commit is removed, nothing of the group is stored, and the journal accepts
/// writes again. Contrast <see cref="JournalFailedException"/>, thrown when a sync failed and nothing can be undone.
/// </summary>
public sealed class JournalWriteFailedException : Exception
{
    /// <summary>Creates the exception for the I/O error behind it.</summary>
    public JournalWriteFailedException(string message, Exception innerException, bool outOfSpace)
        : base(message, innerException)
    {
        OutOfSpace = outOfSpace;
    }

    /// <summary>True when the device or the quota was full (ENOSPC, EDQUOT): freeing space is the remedy.</summary>
    public bool OutOfSpace { get; }
}
