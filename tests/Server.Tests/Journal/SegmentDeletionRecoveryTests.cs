using FastBroker.Server.Journal;
using FastBroker.Server.Journal.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Journal;

public sealed class SegmentDeletionRecoveryTests : IDisposable
{
    private readonly JournalDirectory _temp = new();
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLogger _logger = new();
    private readonly FlakyFileFactory _files = new();

    public void Dispose() => _temp.Dispose();

    private JournalOptions Options => new() { SegmentBytes = 2048, IndexIntervalBytes = 256, FileFactory = _files };

    private PartitionJournal Open() => Journals.Open(_temp.Partition, Options, _time, _logger);

    private PartitionJournal OpenFilled(int batches = 20)
    {
        var journal = Open();
        for (int i = 0; i < batches; i++) Journals.AppendAndCommit(journal, TestBatches.Make(3, fill: (byte)i));
        return journal;
    }

    private long[] Bases() => Journals.SegmentFiles(_temp.Partition).Select(f => long.Parse(f[..20])).ToArray();

    private CheckpointRecord LatestCheckpoint()
    {
        using var file = CheckpointFile.Open(SegmentFileFactory.Instance, Path.GetFullPath(_temp.Partition));
        return Assert.NotNull(file.Latest);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_reopened_journal_starts_at_the_first_remaining_segment_with_its_data(bool crash)
    {
        long start, end;
        List<(long BaseOffset, int Records, byte[] Bytes)> expected;
        var journal = OpenFilled();
        try
        {
            start = journal.DeleteSegmentsBefore(Bases()[3]);
            end = journal.CommittedEndOffset;
            expected = Journals.ReadAll(journal, start);
        }
        finally
        {
            if (crash) journal.CloseAbruptly();
            else journal.Dispose();
        }
        Assert.Equal(start, LatestCheckpoint().StartOffset);

        using var reopened = Open();

        Assert.Equal(start, reopened.StartOffset);
        Assert.Equal(end, reopened.CommittedEndOffset);
        Assert.Equal(start, Bases()[0]);
        var batches = Journals.ReadAll(reopened, start);
        Assert.Equal(expected.Select(b => b.BaseOffset), batches.Select(b => b.BaseOffset));
        Assert.All(batches.Zip(expected), pair => Assert.Equal(pair.Second.Bytes, pair.First.Bytes));
        Assert.Throws<ArgumentOutOfRangeException>(() => reopened.Read(start - 1, new byte[4096]));
        Assert.Equal(end, Journals.AppendAndCommit(reopened, TestBatches.Make(1)));
        Assert.Contains(_logger.Entries, e => e.Message.Contains($"Opened journal", StringComparison.Ordinal) && e.Message.Contains($"offsets {start}..{end} in", StringComparison.Ordinal));
    }

    [Fact]
    public void The_checkpoint_keeps_naming_the_active_segment_so_deletion_never_removes_it()
    {
        using var journal = OpenFilled();
        var bases = Bases();

        journal.DeleteSegmentsBefore(long.MaxValue);

        var checkpoint = LatestCheckpoint();
        Assert.Equal(bases[^1], checkpoint.SegmentBaseOffset);
        Assert.Equal(bases[^1], checkpoint.StartOffset);
        Assert.Equal(journal.CommittedEndOffset, checkpoint.EndOffset);
        Assert.True(File.Exists(Journals.SegmentPath(_temp.Partition, checkpoint.SegmentBaseOffset)));
    }

    [Fact]
    public void Segments_left_behind_by_a_failed_unlink_are_deleted_at_the_next_open()
    {
        var journal = OpenFilled();
        var bases = Bases();
        _files.FailDeletes = true;

        long start = journal.DeleteSegmentsBefore(bases[2]);

        // The log no longer includes them, even though their files are still there.
        Assert.Equal(bases[2], start);
        Assert.Equal(start, journal.StartOffset);
        Assert.Equal(bases, Bases());
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Could not delete"));
        Assert.Throws<ArgumentOutOfRangeException>(() => journal.Read(0, new byte[4096]));
        journal.CloseAbruptly();
        _files.FailDeletes = false;

        using var reopened = Open();

        Assert.Equal(start, reopened.StartOffset);
        Assert.Equal(bases[2..], Bases());
        Assert.False(File.Exists(Journals.IndexPath(_temp.Partition, bases[0])));
        Assert.False(File.Exists(Journals.IndexPath(_temp.Partition, bases[1])));
        Assert.Contains(_logger.Entries, e => e.Message.Contains("interrupted deletion") && e.Message.Contains(Journals.SegmentPath(_temp.Partition, 0)[^24..]));
        Assert.Equal(60, reopened.CommittedEndOffset);
        Assert.Equal(60 - start, Journals.ReadAll(reopened, start).Sum(b => b.Records));
    }

    [Fact]
    public void A_missing_index_of_the_first_remaining_segment_is_rebuilt_from_its_base_offset()
    {
        using (var journal = OpenFilled()) journal.DeleteSegmentsBefore(Bases()[2]);
        var bases = Bases();
        string index = Journals.IndexPath(_temp.Partition, bases[0]);
        byte[] original = File.ReadAllBytes(index);
        File.Delete(index);

        using var reopened = Open();

        Assert.Equal(original, File.ReadAllBytes(index));
        Assert.Equal(bases[0], reopened.StartOffset);
        for (long offset = bases[0]; offset < reopened.CommittedEndOffset; offset++) Assert.True(reopened.Read(offset, new byte[4096]).BatchCount > 0);
    }

    [Fact]
    public void A_missing_segment_at_the_recorded_start_is_corruption_and_nothing_is_deleted()
    {
        using (var journal = OpenFilled()) journal.DeleteSegmentsBefore(Bases()[2]);
        var bases = Bases();
        File.Delete(Journals.SegmentPath(_temp.Partition, bases[0]));
        // A stray older segment must not be removed before the damage is reported.
        File.Copy(Journals.SegmentPath(_temp.Partition, bases[1]), Journals.SegmentPath(_temp.Partition, 0));

        var error = Assert.Throws<JournalCorruptedException>(() => Open());

        Assert.Equal(Path.GetFullPath(Journals.SegmentPath(_temp.Partition, bases[0])), error.FilePath);
        Assert.Equal(bases[0], error.Offset);
        Assert.Contains("starts with this segment", error.Message);
        Assert.True(File.Exists(Journals.SegmentPath(_temp.Partition, 0)));
    }

    [Fact]
    public void A_missing_first_segment_of_a_log_never_trimmed_is_corruption()
    {
        using (var journal = OpenFilled()) Assert.Equal(0, LatestCheckpoint().StartOffset);
        File.Delete(Journals.SegmentPath(_temp.Partition, 0));

        var error = Assert.Throws<JournalCorruptedException>(() => Open());

        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void A_log_that_was_trimmed_and_rolled_again_reopens_with_every_offset_readable()
    {
        long start;
        using (var journal = OpenFilled())
        {
            start = journal.DeleteSegmentsBefore(Bases()[1]);
            for (int i = 0; i < 20; i++) Journals.AppendAndCommit(journal, TestBatches.Make(3, fill: 0x40));
            start = journal.DeleteSegmentsBefore(Bases()[2]);
        }

        using var reopened = Open();

        Assert.Equal(start, reopened.StartOffset);
        Assert.Equal(120, reopened.CommittedEndOffset);
        Assert.Equal(120 - start, Journals.ReadAll(reopened, start).Sum(b => b.Records));
    }
}
