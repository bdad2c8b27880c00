using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// Brings a journal directory to a consistent state on open. The checkpoint splits the log in two: data below it
/// was fsynced and acknowledged, so damage there is reported and never repaired; data at or after it may be a
/// torn or unsynced tail, so the first bad batch there and everything after it is cut off.
/// </summary>
/// <remarks>
/// Segment files below the checkpoint's start offset are deleted first (see <see cref="CheckpointRecord"/>); the log
/// then starts with the segment at that offset. Segments before the checkpoint's segment are sealed: only their
/// headers are checked, plus a scan when their index file is missing or invalid (their CRCs are otherwise checked
/// on read). The checkpoint's segment and all later ones are scanned batch by batch.
/// </remarks>
internal sealed class JournalRecovery
{
    private readonly string _directory;
    private readonly JournalOptions _options;
    private readonly ISegmentFileFactory _files;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly List<(long BaseOffset, ISegmentFile File)> _opened = [];
    private readonly List<Segment> _segments = [];
    private CheckpointFile? _checkpoint;

    public JournalRecovery(string directory, JournalOptions options, ISegmentFileFactory files, ILogger logger, TimeProvider time)
    {
        _directory = directory;
        _options = options;
        _files = files;
        _logger = logger;
        _time = time;
    }

    /// <summary>Recovers the directory; throws <see cref="JournalCorruptedException"/> on damaged acknowledged data.</summary>
    public RecoveredJournal Run()
    {
        try
        {
            return RunCore();
        }
        catch
        {
            foreach (var (_, file) in _opened) file.Dispose();
            foreach (var segment in _segments) segment.Dispose();
            _checkpoint?.Dispose();
            throw;
        }
    }

    private RecoveredJournal RunCore()
    {
        EnsureDirectory();
        var names = ListSegmentFiles();
        _checkpoint = CheckpointFile.Open(_files, _directory);
        if (_checkpoint.Unreadable) _logger.CheckpointUnreadable(_checkpoint.FilePath);
        var checkpoint = _checkpoint.Latest;

        if (names.Count == 0 && checkpoint is { } orphan)
        {
            throw new JournalCorruptedException(SegmentFileNames.LogPath(_directory, orphan.SegmentBaseOffset), orphan.Position,
                orphan.EndOffset, "the checkpoint points past the end of the log: there are no segment files");
        }

        if (checkpoint is { } recorded) DeleteBelowStart(names, recorded);
        OpenSegmentFiles(names, checkpoint);
        if (_opened.Count == 0)
        {
            long baseOffset = names.Count > 0 ? names[0].BaseOffset : 0;
            _segments.Add(Segment.Create(_files, _directory, baseOffset, _time.GetUtcNow().ToUnixTimeMilliseconds(), NewIndex(), NewTimeIndex()));
            return Finish(checkpoint, firstScanned: _segments.Count); // created synced: nothing to sync again
        }

        int first = 0;
        if (checkpoint is { } known)
        {
            first = _opened.FindIndex(s => s.BaseOffset == known.SegmentBaseOffset);
            if (first < 0)
            {
                throw new JournalCorruptedException(SegmentFileNames.LogPath(_directory, known.SegmentBaseOffset), known.Position,
                    known.EndOffset, "the checkpoint names a segment that does not exist");
            }
        }

        for (int i = 0; i < first; i++) LoadSealed(i);
        ScanTail(first, checkpoint);
        return Finish(checkpoint, first);
    }

    private void EnsureDirectory()
    {
        if (Directory.Exists(_directory)) return;
        Directory.CreateDirectory(_directory);
        string? parent = Path.GetDirectoryName(_directory);
        if (parent is not null) _files.SyncDirectory(parent);
    }

    private List<(long BaseOffset, string Path)> ListSegmentFiles()
    {
        var names = new List<(long BaseOffset, string Path)>();
        foreach (string path in Directory.EnumerateFiles(_directory, "*" + SegmentFileNames.LogExtension))
        {
            if (SegmentFileNames.TryParseLogName(Path.GetFileName(path), out long baseOffset)) names.Add((baseOffset, path));
        }
        names.Sort((a, b) => a.BaseOffset.CompareTo(b.BaseOffset));
        return names;
    }

    // A deletion makes the new start durable in the checkpoint before it unlinks anything, so files below the start
    // are what a crash or a failed unlink left of one: finish it. The segment the log starts with must be there:
    // without it the acknowledged offsets from the start on are gone.
    private void DeleteBelowStart(List<(long BaseOffset, string Path)> names, CheckpointRecord checkpoint)
    {
        long start = checkpoint.StartOffset;
        int kept = names.FindIndex(n => n.BaseOffset >= start);
        if (kept < 0 || names[kept].BaseOffset != start)
        {
            throw new JournalCorruptedException(SegmentFileNames.LogPath(_directory, start), 0, start,
                "the checkpoint says the log starts with this segment, which does not exist");
        }
        for (int i = 0; i < kept; i++)
        {
            var (baseOffset, path) = names[i];
            // The indexes first: a crash between the unlinks then leaves a log below the start, which the next open deletes.
            _files.Delete(SegmentFileNames.TimeIndexPath(_directory, baseOffset));
            _files.Delete(SegmentFileNames.IndexPath(_directory, baseOffset));
            _files.Delete(path);
            _logger.LeftoverDeleted(path, start);
        }
        names.RemoveRange(0, kept);
    }

    // Opens every segment and checks its header. A bad header after the checkpoint's segment is a segment whose
    // creation never became durable: it and everything after it go. Before that, it is corruption.
    private void OpenSegmentFiles(List<(long BaseOffset, string Path)> names, CheckpointRecord? checkpoint)
    {
        Span<byte> bytes = stackalloc byte[SegmentHeader.Size];
        for (int i = 0; i < names.Count; i++)
        {
            var (baseOffset, path) = names[i];
            var file = _files.Open(path, FileMode.Open, FileAccess.ReadWrite);
            _opened.Add((baseOffset, file));

            bytes.Clear();
            file.Read(bytes, 0);
            string problem;
            if (SegmentHeader.TryRead(bytes, out var header, out problem) && header.BaseOffset != baseOffset)
                problem = $"the header says base offset {header.BaseOffset}, the file name {baseOffset}";
            if (problem.Length == 0) continue;

            if (checkpoint is { } known && baseOffset <= known.SegmentBaseOffset)
                throw new JournalCorruptedException(path, 0, baseOffset, problem);

            DropFrom(i, problem);
            return;
        }
    }

    private void LoadSealed(int i)
    {
        var (baseOffset, file) = _opened[i];
        long length = file.Length;
        string indexPath = SegmentFileNames.IndexPath(_directory, baseOffset);
        string timeIndexPath = SegmentFileNames.TimeIndexPath(_directory, baseOffset);
        OffsetIndex? index;
        TimeIndex? timeIndex = null;
        long endOffset;
        string problem, timeProblem = "not loaded: the offset index was rebuilt";
        try
        {
            index = IndexFile.TryLoad(_files, indexPath, baseOffset, length, _options.IndexIntervalBytes, out endOffset, out problem);
            if (index is not null)
                timeIndex = TimeIndexFile.TryLoad(_files, timeIndexPath, baseOffset, length, endOffset, _options.IndexIntervalBytes, out timeProblem);
        }
        catch (IOException e)
        {
            (index, timeIndex, endOffset, problem, timeProblem) = (null, null, 0, e.Message, e.Message);
        }

        // Either index missing or invalid (a data directory from before time indexes has no .tix): one scan rebuilds both.
        bool rebuiltIndex = index is null;
        bool rebuiltTimeIndex = timeIndex is null;
        if (index is null || timeIndex is null)
        {
            index = NewIndex();
            timeIndex = NewTimeIndex();
            var scan = SegmentScanner.Scan(file, SegmentHeader.Size, baseOffset, index, timeIndex, mark: -1);
            if (scan.Problem is not null)
                throw new JournalCorruptedException(file.FilePath, scan.EndPosition, scan.NextOffset, scan.Problem + " in a sealed segment");
            endOffset = scan.NextOffset;
        }

        long nextBase = _opened[i + 1].BaseOffset;
        if (nextBase != endOffset)
        {
            throw new JournalCorruptedException(_opened[i + 1].File.FilePath, 0, endOffset,
                $"segment {nextBase} does not continue the previous segment, which ends before offset {endOffset}");
        }

        var segment = new Segment(baseOffset, file, _directory, index, timeIndex, length, endOffset);
        _segments.Add(segment);
        if (rebuiltIndex)
        {
            IndexFile.Write(_files, segment);
            _logger.IndexRebuilt(indexPath, problem);
        }
        if (rebuiltTimeIndex)
        {
            TimeIndexFile.Write(_files, segment);
            _logger.IndexRebuilt(timeIndexPath, timeProblem);
        }
    }

    private void ScanTail(int first, CheckpointRecord? checkpoint)
    {
        for (int i = first; i < _opened.Count; i++)
        {
            var (baseOffset, file) = _opened[i];
            var index = NewIndex();
            var timeIndex = NewTimeIndex();
            long mark = i == first && checkpoint is { } known ? known.Position : -1;
            var scan = SegmentScanner.Scan(file, SegmentHeader.Size, baseOffset, index, timeIndex, mark);
            if (mark >= 0) CheckAgainstCheckpoint(file, scan, checkpoint!.Value);

            _segments.Add(new Segment(baseOffset, file, _directory, index, timeIndex, scan.EndPosition, scan.NextOffset));
            if (scan.Problem is not null)
            {
                TruncateTail(file, scan);
                DropFrom(i + 1, "it follows a torn tail");
                return;
            }
            if (i + 1 < _opened.Count && _opened[i + 1].BaseOffset != scan.NextOffset)
            {
                DropFrom(i + 1, $"it does not continue offset {scan.NextOffset}");
                return;
            }
        }
    }

    private static void CheckAgainstCheckpoint(ISegmentFile file, ScanResult scan, CheckpointRecord checkpoint)
    {
        if (scan.EndPosition < checkpoint.Position && scan.Problem is not null)
            throw new JournalCorruptedException(file.FilePath, scan.EndPosition, scan.NextOffset, scan.Problem + " below the checkpoint");
        if (scan.EndPosition < checkpoint.Position)
        {
            throw new JournalCorruptedException(file.FilePath, checkpoint.Position, checkpoint.EndOffset,
                $"the checkpoint points past the end of the log, which ends at position {scan.EndPosition}");
        }
        if (scan.OffsetAtMark != checkpoint.EndOffset)
        {
            throw new JournalCorruptedException(file.FilePath, checkpoint.Position, checkpoint.EndOffset,
                "the checkpoint does not match the batch boundaries of the segment");
        }
    }

    private void TruncateTail(ISegmentFile file, ScanResult scan)
    {
        _logger.TailTruncated(file.FilePath, scan.EndPosition, scan.FileLength - scan.EndPosition, scan.NextOffset, scan.Problem!);
        file.SetLength(scan.EndPosition);
        file.Sync();
    }

    // Deletes segment files from index `from` on (with their index files), after logging what they held.
    private void DropFrom(int from, string reason)
    {
        if (from >= _opened.Count) return;
        for (int i = from; i < _opened.Count; i++)
        {
            var (baseOffset, file) = _opened[i];
            _logger.SegmentDropped(file.FilePath, reason, file.Length, baseOffset);
            file.Dispose();
            _files.Delete(SegmentFileNames.TimeIndexPath(_directory, baseOffset));
            _files.Delete(SegmentFileNames.IndexPath(_directory, baseOffset));
            _files.Delete(file.FilePath);
        }
        _opened.RemoveRange(from, _opened.Count - from);
        _files.SyncDirectory(_directory);
    }

    // Everything recovered becomes durable and checkpointed before the journal accepts writes, so a later
    // crash never has to tell recovered-but-unsynced data from new data.
    private RecoveredJournal Finish(CheckpointRecord? checkpoint, int firstScanned)
    {
        var segments = _segments.ToArray();
        var active = segments[^1];
        var checkpointFile = _checkpoint!;
        if (checkpoint is not { } known || known.EndOffset != active.EndOffset || known.SegmentBaseOffset != active.BaseOffset
            || known.Position != active.WrittenEnd || known.StartOffset != segments[0].BaseOffset)
        {
            for (int i = firstScanned; i < segments.Length; i++) segments[i].File.Sync();
            checkpointFile.Write(active.EndOffset, active.BaseOffset, active.WrittenEnd, segments[0].BaseOffset);
        }
        _logger.Opened(_directory, segments[0].BaseOffset, active.EndOffset, segments.Length);
        return new RecoveredJournal(segments, checkpointFile);
    }

    private TimeIndex NewTimeIndex() => new(_options.IndexIntervalBytes);

    private OffsetIndex NewIndex() => new(_options.IndexIntervalBytes, OffsetIndex.CapacityFor(_options.SegmentBytes, _options.IndexIntervalBytes));
}
