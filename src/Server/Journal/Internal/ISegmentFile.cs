namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// One open journal file (segment, index or checkpoint). Reads may run on any thread; writes, syncs and
/// truncation come from the partition's writer only. The seam exists so tests can inject I/O faults.
/// </summary>
internal interface ISegmentFile : IDisposable
{
    /// <summary>Full path of the file, for messages.</summary>
    string FilePath { get; }

    /// <summary>Current length of the file in bytes.</summary>
    long Length { get; }

    /// <summary>Reads at <paramref name="position"/> until <paramref name="destination"/> is full or the file ends; returns the bytes read.</summary>
    int Read(Span<byte> destination, long position);

    /// <summary>Writes all of <paramref name="source"/> at <paramref name="position"/>.</summary>
    void Write(ReadOnlySpan<byte> source, long position);

    /// <summary>Writes all buffers back to back starting at <paramref name="position"/>, in as few system calls as possible.</summary>
    void Write(IReadOnlyList<ReadOnlyMemory<byte>> buffers, long position);

    /// <summary>Forces written data (and the metadata needed to read it back) to stable storage.</summary>
    void Sync();

    /// <summary>Truncates or extends the file.</summary>
    void SetLength(long length);
}
