namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// The <c>checkpoint</c> file: two slots, A at 0 and B at 512, written alternately and fdatasync'ed, so a torn
/// write of one slot leaves the previous checkpoint readable in the other.
/// </summary>
internal sealed class CheckpointFile : IDisposable
{
    public const string FileName = "checkpoint";

    /// <summary>Slots sit in different 512-byte sectors so one torn sector write cannot damage both.</summary>
    public const int SlotStride = 512;

    private readonly ISegmentFile _file;
    private readonly ISegmentFileFactory _files;
    private readonly string _directory;
    private bool _directoryEntryDurable;

    private CheckpointFile(ISegmentFile file, ISegmentFileFactory files, string directory, bool existed, CheckpointRecord? latest, bool unreadable)
    {
        _file = file;
        _files = files;
        _directory = directory;
        _directoryEntryDurable = existed;
        Latest = latest;
        Unreadable = unreadable;
    }

    public string FilePath => _file.FilePath;

    /// <summary>The valid slot with the highest sequence, or null when there is none.</summary>
    public CheckpointRecord? Latest { get; private set; }

    /// <summary>True when the file had content but no valid slot.</summary>
    public bool Unreadable { get; }

    public static CheckpointFile Open(ISegmentFileFactory files, string directory)
    {
        string path = Path.Combine(directory, FileName);
        bool existed = File.Exists(path);
        var file = files.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        try
        {
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
            return new CheckpointFile(file, files, directory, existed, latest, latest is null && read > 0);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Writes the next checkpoint into the older slot and fdatasyncs it.</summary>
    public void Write(long endOffset, long segmentBaseOffset, long position, long startOffset)
    {
        long sequence = (Latest?.Sequence ?? 0) + 1;
        var record = new CheckpointRecord(sequence, endOffset, segmentBaseOffset, position, startOffset);
        Span<byte> slot = stackalloc byte[CheckpointRecord.Size];
        record.Write(slot);
        _file.Write(slot, (sequence & 1) * SlotStride);
        _file.Sync();
        if (!_directoryEntryDurable)
        {
            _files.SyncDirectory(_directory);
            _directoryEntryDurable = true;
        }
        Latest = record;
    }

    public void Dispose() => _file.Dispose();
}
