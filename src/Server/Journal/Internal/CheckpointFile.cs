namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// The <c>checkpoint</c> file: two slots, A at 0 and B at 512, written alternately and fdatasync'ed, so a torn
/// write of one slot leaves the previous checkpoint readable in the other.
/// </summary>
/// <remarks>
/// The file is open only while a checkpoint is read or written, not for the partition's life: checkpoints come at
/// most once per <see cref="JournalOptions.CheckpointInterval"/> and each costs an fsync anyway, so the open is
/// noise, while a descriptor held by every partition, idle or not, is what limits how many partitions a broker holds.
/// </remarks>
internal sealed class CheckpointFile : IDisposable
{
    public const string FileName = "checkpoint";

    /// <summary>Slots sit in different 512-byte sectors so one torn sector write cannot damage both.</summary>
    public const int SlotStride = 512;

    private readonly ISegmentFileFactory _files;
    private readonly string _directory;
    private bool _directoryEntryDurable;

    private CheckpointFile(string path, ISegmentFileFactory files, string directory, bool existed, CheckpointRecord? latest, bool unreadable)
    {
        FilePath = path;
        _files = files;
        _directory = directory;
        _directoryEntryDurable = existed;
        Latest = latest;
        Unreadable = unreadable;
    }

    public string FilePath { get; }

    /// <summary>The valid slot with the highest sequence, or null when there is none.</summary>
    public CheckpointRecord? Latest { get; private set; }

    /// <summary>True when the file had content but no valid slot.</summary>
    public bool Unreadable { get; }

    public static CheckpointFile Open(ISegmentFileFactory files, string directory)
    {
        string path = Path.Combine(directory, FileName);
        bool existed = File.Exists(path);
        using var file = files.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        Span<byte> slots = stackalloc byte[SlotStride * 2];
        slots.Clear();
        int read = file.Read(slots, 0);
        CheckpointRecord? latest = null;
        for (int slot = 0; slot < 2; slot++)
        {
            if (CheckpointRecord.TryRead(slots.Slice(slot * SlotStride, CheckpointRecord.Size), out var record)
                && (latest is null || record.Sequence > latest.Value.Sequence))
            {
                latest = record;
            }
        }
        return new CheckpointFile(path, files, directory, existed, latest, latest is null && read > 0);
    }

    /// <summary>Writes the next checkpoint into the older slot and fdatasyncs it.</summary>
    public void Write(long endOffset, long segmentBaseOffset, long position, long startOffset)
    {
        long sequence = (Latest?.Sequence ?? 0) + 1;
        var record = new CheckpointRecord(sequence, endOffset, segmentBaseOffset, position, startOffset);
        Span<byte> slot = stackalloc byte[CheckpointRecord.Size];
        record.Write(slot);
        using (var file = _files.Open(FilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite))
        {
            file.Write(slot, (sequence & 1) * SlotStride);
            file.Sync();
        }
        if (!_directoryEntryDurable)
        {
            _files.SyncDirectory(_directory);
            _directoryEntryDurable = true;
        }
        Latest = record;
    }

    // Nothing is held between checkpoints; the journal's close stays the same whatever this file does.
    public void Dispose()
    {
    }
}
