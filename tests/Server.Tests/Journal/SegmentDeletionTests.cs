using FastBroker.Server.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Journal;

public sealed class SegmentDeletionTests : IDisposable
{
    private const int Batches = 20;
    private const int RecordsPerBatch = 3;

    private readonly JournalDirectory _temp = new();
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLogger _logger = new();
    private readonly FlakyFileFactory _files = new();

    public void Dispose() => _temp.Dispose();

    private PartitionJournal Open()
        => Journals.Open(_temp.Partition, new JournalOptions { SegmentBytes = 2048, IndexIntervalBytes = 256, FileFactory = _files }, _time, _logger);

    // 20 batches of 3 records (offsets 0..59) over several small segments.
    private PartitionJournal OpenFilled()
    {
        var journal = Open();
        for (int i = 0; i < Batches; i++) Journals.AppendAndCommit(journal, TestBatches.Make(RecordsPerBatch, fill: (byte)i));
        Assert.True(Bases().Length >= 5, "the test needs several segments");
        return journal;
    }

    private long[] Bases() => Journals.SegmentFiles(_temp.Partition).Select(f => long.Parse(f[..20])).ToArray();

    private long LogBytesOnDisk() => Directory.GetFiles(_temp.Partition, "*.log").Sum(f => new FileInfo(f).Length);

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(0)]
    [InlineData(1)]
    public void An_offset_inside_the_first_segment_deletes_nothing(long offset)
    {
        using var journal = OpenFilled();
        var files = Directory.GetFiles(_temp.Partition);
        int segments = journal.SegmentCount;

        Assert.Equal(0, journal.DeleteSegmentsBefore(offset));
        Assert.Equal(0, journal.DeleteSegmentsBefore(Bases()[1] - 1));

        Assert.Equal(0, journal.StartOffset);
        Assert.Equal(segments, journal.SegmentCount);
        Assert.Equal(files, Directory.GetFiles(_temp.Partition));
        Assert.Equal(Batches, Journals.ReadAll(journal, 0).Count);
    }

    [Fact]
    public void An_offset_at_the_next_segment_deletes_exactly_the_first_with_its_index()
    {
        using var journal = OpenFilled();
        var bases = Bases();

        Assert.Equal(bases[1], journal.DeleteSegmentsBefore(bases[1]));

        Assert.Equal(bases[1], journal.StartOffset);
        Assert.Equal(bases.Length - 1, journal.SegmentCount);
        Assert.False(File.Exists(Journals.SegmentPath(_temp.Partition, 0)));
        Assert.False(File.Exists(Journals.IndexPath(_temp.Partition, 0)));
        Assert.Equal(bases[1..], Bases());
        Assert.True(File.Exists(Journals.IndexPath(_temp.Partition, bases[1])));
    }

    [Fact]
    public void An_offset_in_the_middle_of_a_segment_keeps_that_segment_and_deletes_all_before_it()
    {
        using var journal = OpenFilled();
        var bases = Bases();

        Assert.Equal(bases[3], journal.DeleteSegmentsBefore(bases[4] - 1));

        Assert.Equal(bases[3..], Bases());
        Assert.Equal(bases[3], journal.StartOffset);
        for (int i = 0; i < 3; i++) Assert.False(File.Exists(Journals.IndexPath(_temp.Partition, bases[i])));
    }

    [Fact]
    public void Deleting_again_at_the_same_offset_changes_nothing_and_later_offsets_delete_more()
    {
        using var journal = OpenFilled();
        var bases = Bases();

        Assert.Equal(bases[1], journal.DeleteSegmentsBefore(bases[1] + 1));
        Assert.Equal(bases[1], journal.DeleteSegmentsBefore(bases[1] + 1));
        Assert.Equal(bases[1], journal.DeleteSegmentsBefore(0));
        Assert.Equal(bases[2], journal.DeleteSegmentsBefore(bases[2]));

        Assert.Equal(bases[2..], Bases());
    }

    [Fact]
    public void The_active_segment_is_never_deleted_and_appends_go_on_after_deleting_everything_else()
    {
        using var journal = OpenFilled();
        var bases = Bases();
        long end = journal.CommittedEndOffset;

        Assert.Equal(bases[^1], journal.DeleteSegmentsBefore(long.MaxValue));

        Assert.Equal(1, journal.SegmentCount);
        Assert.Equal([bases[^1]], Bases());
        Assert.Equal(end, journal.CommittedEndOffset);
        Assert.Equal(end, Journals.AppendAndCommit(journal, TestBatches.Make(2, fill: 0xEE)));
        var batches = Journals.ReadAll(journal, journal.StartOffset);
        Assert.Equal(bases[^1], batches[0].BaseOffset);
        Assert.Equal(end, batches[^1].BaseOffset);
        Assert.Equal(bases[^1], journal.DeleteSegmentsBefore(long.MaxValue));
    }

    [Fact]
    public void Reads_below_the_new_start_are_out_of_range_and_reads_from_it_return_the_same_batches()
    {
        using var journal = OpenFilled();
        var before = Journals.ReadAll(journal, 0);
        var bases = Bases();

        long start = journal.DeleteSegmentsBefore(bases[2]);

        var buffer = new byte[4096];
        Assert.Throws<ArgumentOutOfRangeException>(() => journal.Read(0, buffer));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => journal.Read(start - 1, buffer));
        Assert.Contains($"[{start}, {journal.CommittedEndOffset}]", error.Message);
        var after = Journals.ReadAll(journal, start);
        var expected = before.SkipWhile(b => b.BaseOffset < start).ToList();
        Assert.Equal(expected.Select(b => b.BaseOffset), after.Select(b => b.BaseOffset));
        Assert.All(after.Zip(expected), pair => Assert.Equal(pair.Second.Bytes, pair.First.Bytes));
        // Every offset from the start on is found, not just batch starts.
        for (long offset = start; offset < journal.CommittedEndOffset; offset++) Assert.True(journal.Read(offset, buffer).BatchCount > 0);
    }

    [Fact]
    public void SizeBytes_is_the_size_of_the_segment_files_and_shrinks_with_them()
    {
        using var journal = OpenFilled();
        Assert.Equal(LogBytesOnDisk(), journal.SizeBytes);
        long first = new FileInfo(Journals.SegmentPath(_temp.Partition, 0)).Length;
        long size = journal.SizeBytes;

        journal.DeleteSegmentsBefore(Bases()[1]);

        Assert.Equal(size - first, journal.SizeBytes);
        Assert.Equal(LogBytesOnDisk(), journal.SizeBytes);
    }

    [Fact]
    public void Each_deleted_segment_is_logged_with_its_offsets_and_the_new_start()
    {
        using var journal = OpenFilled();
        var bases = Bases();

        journal.DeleteSegmentsBefore(bases[2]);

        var deletions = _logger.Entries.Where(e => e.Level == LogLevel.Information && e.Message.Contains("deleted segment")).ToArray();
        Assert.Equal(2, deletions.Length);
        Assert.Contains(Path.GetFullPath(Journals.SegmentPath(_temp.Partition, 0)), deletions[0].Message);
        Assert.Contains($"offsets 0..{bases[1]}", deletions[0].Message);
        Assert.Contains($"offsets {bases[1]}..{bases[2]}", deletions[1].Message);
        Assert.All(deletions, d => Assert.Contains($"now starts at {bases[2]}", d.Message));
    }

    [Fact]
    public void Batches_appended_before_a_deletion_are_committed_after_it()
    {
        using var journal = OpenFilled();
        long end = journal.CommittedEndOffset;
        var batch = TestBatches.Make(4, fill: 0x77);
        journal.Append(batch);

        long start = journal.DeleteSegmentsBefore(end);
        journal.Commit();

        Assert.Equal(end + 4, journal.CommittedEndOffset);
        Assert.Equal(batch, Journals.ReadAll(journal, start)[^1].Bytes);
    }

    [Fact]
    public void A_closed_journal_refuses_deletion()
    {
        var journal = OpenFilled();
        journal.Dispose();

        Assert.Throws<ObjectDisposedException>(() => journal.DeleteSegmentsBefore(long.MaxValue));
        Assert.Equal(0, Bases()[0]);
    }

    [Fact]
    public void A_failed_checkpoint_write_deletes_nothing_and_fails_the_journal()
    {
        using var journal = OpenFilled();
        var files = Directory.GetFiles(_temp.Partition);
        _files.FailSyncs = true;

        var error = Assert.Throws<JournalFailedException>(() => journal.DeleteSegmentsBefore(long.MaxValue));

        Assert.Contains("segment deletion", error.Message);
        Assert.Equal(0, journal.StartOffset);
        Assert.Equal(files, Directory.GetFiles(_temp.Partition));
        Assert.Equal(Batches, Journals.ReadAll(journal, 0).Count);
        _files.FailSyncs = false;
        Assert.Throws<JournalFailedException>(() => journal.DeleteSegmentsBefore(long.MaxValue));
        Assert.Throws<JournalFailedException>(() => journal.Append(TestBatches.Make(1)));
    }

    [Fact]
    public async Task A_reader_inside_a_segment_being_deleted_finishes_its_read_and_the_file_closes_after_it()
    {
        using var journal = OpenFilled();
        var bases = Bases();
        var expected = Journals.ReadAll(journal, 0)[0].Bytes;
        string first = Path.GetFullPath(Journals.SegmentPath(_temp.Partition, 0));
        using var inside = new ManualResetEventSlim();
        using var resume = new ManualResetEventSlim();
        _files.BeforeRead = path =>
        {
            if (path != first || inside.IsSet) return;
            inside.Set();
            Assert.True(resume.Wait(TimeSpan.FromSeconds(10)));
        };
        var buffer = new byte[4096];
        var reader = Task.Run(() => journal.Read(0, buffer));
        Assert.True(inside.Wait(TimeSpan.FromSeconds(10)));

        Assert.Equal(bases[1], journal.DeleteSegmentsBefore(bases[1]));

        // Unlinked, but still open for the reader inside it; a new read is already out of range.
        Assert.False(File.Exists(first));
        Assert.False(_files.WasClosed(first));
        Assert.Throws<ArgumentOutOfRangeException>(() => journal.Read(0, new byte[4096]));
        resume.Set();
        var result = await reader.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(result.BatchCount > 0);
        Assert.Equal(expected, TestBatches.Split(buffer.AsSpan(0, result.BytesWritten))[0].Bytes);
        Assert.True(_files.WasClosed(first));
        Assert.Equal(0, _files.ReadsAfterClose);
    }

    [Fact]
    public async Task Closing_the_journal_waits_for_a_reader_inside_a_segment_before_closing_its_file()
    {
        var journal = OpenFilled();
        string first = Path.GetFullPath(Journals.SegmentPath(_temp.Partition, 0));
        using var inside = new ManualResetEventSlim();
        using var resume = new ManualResetEventSlim();
        _files.BeforeRead = path =>
        {
            if (path != first || inside.IsSet) return;
            inside.Set();
            Assert.True(resume.Wait(TimeSpan.FromSeconds(10)));
        };
        var buffer = new byte[4096];
        var reader = Task.Run(() => journal.Read(0, buffer));
        Assert.True(inside.Wait(TimeSpan.FromSeconds(10)));

        journal.Dispose();

        Assert.False(_files.WasClosed(first));
        Assert.True(_files.WasClosed(Path.GetFullPath(Journals.SegmentPath(_temp.Partition, Bases()[^1]))));
        Assert.Throws<ObjectDisposedException>(() => journal.Read(0, new byte[4096]));
        resume.Set();
        Assert.True((await reader.WaitAsync(TimeSpan.FromSeconds(10))).BatchCount > 0);
        Assert.True(_files.WasClosed(first));
        Assert.Equal(0, _files.ReadsAfterClose);
    }
}
