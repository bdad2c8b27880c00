using FastBroker.Server.Journal.Internal;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Journal;

/// <summary>Settings of one partition journal. Immutable once the journal is open.</summary>
public sealed class JournalOptions
{
    /// <summary>
    /// A segment is rolled when the next batch would make it larger than this (header included). A batch larger
    /// than this still goes into a fresh segment of its own.
    /// </summary>
    public long SegmentBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>Log bytes between two entries of the sparse offset index; smaller means faster seeks, more memory.</summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary>When written data is forced to stable storage.</summary>
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.Always;

    /// <summary>
    /// Least time between two checkpoint writes after syncs. Each checkpoint costs an extra fsync; recovery rescans
    /// everything written after the last one.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Publishes are refused while the filesystem of the data directory has less free space than this, so acks,
    /// positions and checkpoints still have room (see <see cref="FreeSpaceWatermark"/>). 0, the default here, turns the
    /// check off; the broker's own default is set by <c>--min-free-disk</c>.
    /// </summary>
    public long MinFreeDiskBytes { get; init; }

    /// <summary>
    /// How often a partition with a retention limit (see <c>Partition.SetRetention</c>) checks for expired segments.
    /// Only partitions with a limit have the timer.
    /// </summary>
    public TimeSpan RetentionCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// An idempotent producer's state in a partition is forgotten after it has published nothing there for this long;
    /// a retry after that may store its batch twice (PROTOCOL.md 5.7).
    /// </summary>
    public TimeSpan ProducerStateExpiry { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// When a partition opens, its idempotent producers' state is rebuilt from the batch headers of its newest segments
    /// holding at most this many bytes (the active segment always; see <see cref="PartitionJournal.TailStartOffset"/>).
    /// </summary>
    public long ProducerStateScanBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// The deduplication window of topics without their own (PROTOCOL.md 6.8, <c>serve --dedup-window</c>): a record
    /// whose <c>fb-dedup-id</c> was stored in its partition less than this long ago is not stored again. Zero (off) unless
    /// the host sets it: the broker's default is <c>ServerOptions.DedupWindow</c>.
    /// </summary>
    public TimeSpan DedupWindow { get; init; }

    /// <summary>Most dedup ids a partition remembers (<c>serve --dedup-max-ids</c>); beyond it the oldest are
    /// forgotten before their window ends. See DEFAULTS.md for the memory this takes.</summary>
    public int DedupMaxIds { get; init; } = DefaultDedupMaxIds;

    /// <summary>The default of <see cref="DedupMaxIds"/>.</summary>
    public const int DefaultDedupMaxIds = 200_000;

    /// <summary>Most bytes of id a partition keeps (64 per id on average at the id cap, rounded down to a power of
    /// two); beyond it the oldest ids are forgotten early.</summary>
    public long DedupMaxIdBytes => DedupMaxIds * 64L;

    /// <summary>Where segment, index and checkpoint files are opened; tests substitute a fault-injecting factory.</summary>
    internal ISegmentFileFactory? FileFactory { get; init; }

    internal void Validate()
    {
        if (SegmentBytes < SegmentHeader.Size + RecordBatchHeader.Size)
            throw new ArgumentOutOfRangeException(nameof(SegmentBytes), SegmentBytes, "A segment must hold its header and at least one batch header.");
        if (IndexIntervalBytes < 1)
            throw new ArgumentOutOfRangeException(nameof(IndexIntervalBytes), IndexIntervalBytes, "The index interval must be positive.");
        if (MinFreeDiskBytes < 0)
            throw new ArgumentOutOfRangeException(nameof(MinFreeDiskBytes), MinFreeDiskBytes, "The free-space watermark cannot be negative.");
        if (CheckpointInterval < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(CheckpointInterval), CheckpointInterval, "The checkpoint interval cannot be negative.");
        if (RetentionCheckInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RetentionCheckInterval), RetentionCheckInterval, "The retention check interval must be positive.");
        if (Fsync.Mode is not (FsyncMode.Always or FsyncMode.Interval or FsyncMode.Never))
            throw new ArgumentOutOfRangeException(nameof(Fsync), Fsync, "Unknown fsync mode.");
        if (Fsync.Mode == FsyncMode.Interval && Fsync.Interval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(Fsync), Fsync, "An interval fsync policy needs a positive interval.");
    }
}
