namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// One segment of a partition journal: its file, its sparse index, and how far it is written (writer thread)
/// and published (any thread).
/// </summary>
internal sealed class Segment : IDisposable
{
    private long _publishedEnd;

    public Segment(long baseOffset, ISegmentFile file, string indexPath, OffsetIndex index, long writtenEnd, long endOffset)
    {
        BaseOffset = baseOffset;
        File = file;
        IndexPath = indexPath;
        Index = index;
        WrittenEnd = writtenEnd;
        EndOffset = endOffset;
        _publishedEnd = writtenEnd;
    }

    public long BaseOffset { get; }

    public ISegmentFile File { get; }

    public string LogPath => File.FilePath;

    public string IndexPath { get; }

    public OffsetIndex Index { get; }

    /// <summary>File position after the last written batch (writer thread only).</summary>
    public long WrittenEnd { get; set; }

    /// <summary>Offset after the last written batch (writer thread only).</summary>
    public long EndOffset { get; set; }

    /// <summary>File position after the last committed batch; readers never look past it.</summary>
    public long PublishedEnd => Volatile.Read(ref _publishedEnd);

    /// <summary>True when at least one batch follows the header.</summary>
    public bool HasBatches => WrittenEnd > SegmentHeader.Size;

    /// <summary>Makes everything written so far visible to readers.</summary>
    public void Publish() => Volatile.Write(ref _publishedEnd, WrittenEnd);

    /// <summary>
    /// Creates an empty segment file: header written and fdatasync'ed, then the directory fsync'ed, so that the
    /// segment survives a crash before anything depends on it.
    /// </summary>
    public static Segment Create(ISegmentFileFactory files, string directory, long baseOffset, long createdUnixMs, OffsetIndex index)
    {
        string indexPath = SegmentFileNames.IndexPath(directory, baseOffset);
        // An index left behind by an earlier life of this base offset would describe other bytes.
        System.IO.File.Delete(indexPath);
        var file = files.Open(SegmentFileNames.LogPath(directory, baseOffset), FileMode.CreateNew, FileAccess.ReadWrite);
        try
        {
            Span<byte> header = stackalloc byte[SegmentHeader.Size];
            new SegmentHeader(baseOffset, createdUnixMs).Write(header);
            file.Write(header, 0);
            file.Sync();
            files.SyncDirectory(directory);
            return new Segment(baseOffset, file, indexPath, index, SegmentHeader.Size, baseOffset);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose() => File.Dispose();
}
