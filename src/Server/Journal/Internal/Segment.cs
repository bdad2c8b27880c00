namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// One segment of a partition journal: its file, its sparse index, and how far it is written (writer thread)
/// and published (any thread).
/// </summary>
/// <remarks>
/// Readers on other threads may still hold a segment that the writer has just deleted or that the journal is closing.
/// They pin it with <see cref="TryAcquire"/> for the length of one read, and <see cref="Dispose"/> only retires it:
/// the file is closed by whoever leaves last, so no read ever runs on a closed handle, and once retired no new read
/// gets in. (A closed <c>SafeFileHandle</c> would only throw, but a read that did half its work before the close
/// would then fail in the middle; pinning makes a read either wholly succeed or never start.)
/// </remarks>
internal sealed class Segment : IDisposable
{
    // Low bits: readers inside. Retired bit: no reader may enter; the file closes when the count reaches zero.
    private const int RetiredFlag = 1 << 30;

    private long _publishedEnd;
    private int _pins;
    private OffsetIndex _index;
    private TimeIndex _timeIndex;
    private long _publishedMaxTimestamp;

    public Segment(long baseOffset, ISegmentFile file, string directory, OffsetIndex index, TimeIndex timeIndex, long writtenEnd, long endOffset)
    {
        BaseOffset = baseOffset;
        File = file;
        IndexPath = SegmentFileNames.IndexPath(directory, baseOffset);
        TimeIndexPath = SegmentFileNames.TimeIndexPath(directory, baseOffset);
        _index = index;
        _timeIndex = timeIndex;
        WrittenEnd = writtenEnd;
        EndOffset = endOffset;
        _publishedEnd = writtenEnd;
        _publishedMaxTimestamp = timeIndex.MaxTimestamp;
    }

    public long BaseOffset { get; }

    public ISegmentFile File { get; }

    public string LogPath => File.FilePath;

    public string IndexPath { get; }

    public string TimeIndexPath { get; }

    /// <summary>The sparse index. Replaced only when a failed commit is rolled back (see <see cref="ReplaceIndex"/>).</summary>
    public OffsetIndex Index => Volatile.Read(ref _index);

    /// <summary>
    /// Swaps in an index without the entries a rolled-back write added: they point at bytes that are gone, and the
    /// next writes would add entries out of order behind them. Readers holding the old index only look up offsets
    /// below the committed end, where both agree. Writer thread.
    /// </summary>
    public void ReplaceIndex(OffsetIndex index) => Volatile.Write(ref _index, index);

    /// <summary>The sparse time index and the segment's running maximum timestamp (writer side: it may run ahead of what is published).</summary>
    public TimeIndex TimeIndex => Volatile.Read(ref _timeIndex);

    /// <summary>Swaps in a time index without a rolled-back write's entries, as <see cref="ReplaceIndex"/> does. Writer thread.</summary>
    public void ReplaceTimeIndex(TimeIndex index) => Volatile.Write(ref _timeIndex, index);

    /// <summary>
    /// The largest batch max timestamp among the published batches, or <see cref="TimeIndex.NoTimestamp"/>; what
    /// retention by age and timestamp lookups go by. Any thread.
    /// </summary>
    public long PublishedMaxTimestamp => Volatile.Read(ref _publishedMaxTimestamp);

    /// <summary>File position after the last written batch (writer thread only).</summary>
    public long WrittenEnd { get; set; }

    /// <summary>Offset after the last written batch (writer thread only).</summary>
    public long EndOffset { get; set; }

    /// <summary>File position after the last committed batch; readers never look past it.</summary>
    public long PublishedEnd => Volatile.Read(ref _publishedEnd);

    /// <summary>True when at least one batch follows the header.</summary>
    public bool HasBatches => WrittenEnd > SegmentHeader.Size;

    /// <summary>Makes everything written so far visible to readers.</summary>
    public void Publish()
    {
        Volatile.Write(ref _publishedMaxTimestamp, TimeIndex.MaxTimestamp);
        Volatile.Write(ref _publishedEnd, WrittenEnd);
    }

    /// <summary>
    /// Creates an empty segment file: header written and fdatasync'ed, then the directory fsync'ed, so that the
    /// segment survives a crash before anything depends on it.
    /// </summary>
    public static Segment Create(ISegmentFileFactory files, string directory, long baseOffset, long createdUnixMs, OffsetIndex index,
        TimeIndex timeIndex)
    {
        // Indexes left behind by an earlier life of this base offset would describe other bytes.
        System.IO.File.Delete(SegmentFileNames.IndexPath(directory, baseOffset));
        System.IO.File.Delete(SegmentFileNames.TimeIndexPath(directory, baseOffset));
        var file = files.Open(SegmentFileNames.LogPath(directory, baseOffset), FileMode.CreateNew, FileAccess.ReadWrite);
        try
        {
            Span<byte> header = stackalloc byte[SegmentHeader.Size];
            new SegmentHeader(baseOffset, createdUnixMs).Write(header);
            file.Write(header, 0);
            file.Sync();
            files.SyncDirectory(directory);
            return new Segment(baseOffset, file, directory, index, timeIndex, SegmentHeader.Size, baseOffset);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Pins the segment for one read; false once it is retired (deleted or closing). Any thread.</summary>
    public bool TryAcquire()
    {
        int pins = Volatile.Read(ref _pins);
        while ((pins & RetiredFlag) == 0)
        {
            int seen = Interlocked.CompareExchange(ref _pins, pins + 1, pins);
            if (seen == pins) return true;
            pins = seen;
        }
        return false;
    }

    /// <summary>Ends a read begun by a successful <see cref="TryAcquire"/>; the last reader out of a retired segment closes it.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _pins) == RetiredFlag) File.Dispose();
    }

    /// <summary>Retires the segment: its file closes now, or when the last pinned reader leaves. Idempotent.</summary>
    public void Dispose()
    {
        int previous = Interlocked.Or(ref _pins, RetiredFlag);
        if (previous == 0) File.Dispose();
    }
}
