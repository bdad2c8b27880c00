namespace FastBroker.Server.Journal;

/// <summary>
/// Stored data that was acknowledged (below the checkpoint, or read back later) failed its checks. The journal
/// never repairs this by truncation: an operator has to look at <see cref="FilePath"/>.
/// </summary>
public sealed class JournalCorruptedException : Exception
{
    /// <summary>Creates the exception for bad data in <paramref name="filePath"/> at <paramref name="filePosition"/>.</summary>
    public JournalCorruptedException(string filePath, long filePosition, long offset, string reason)
        : base($"Journal file '{filePath}' is corrupt at file position {filePosition} (offset {offset}): {reason}.")
    {
        FilePath = filePath;
        FilePosition = filePosition;
        Offset = offset;
    }

    /// <summary>The file holding the bad data.</summary>
    public string FilePath { get; }

    /// <summary>Byte position in <see cref="FilePath"/> where the bad data starts.</summary>
    public long FilePosition { get; }

    /// <summary>The offset that should have been stored at <see cref="FilePosition"/>.</summary>
    public long Offset { get; }
}
