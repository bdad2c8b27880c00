using FastBroker.Server.Journal;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Journal;

/// <summary>A full disk (ENOSPC) in the middle of a commit: the write is undone to exactly the committed bytes, the next
/// commit succeeds once space is back, and a reopened journal holds only what was acknowledged.</summary>
public sealed class JournalRollbackTests : IDisposable
{
    private const int Enospc = 28;
    private readonly List<JournalDirectory> _temps = [];
    private readonly FakeTimeProvider _time = new();

    public void Dispose()
    {
        foreach (var temp in _temps) temp.Dispose();
    }

    private (string Directory, FlakyFileFactory Files) Fresh()
    {
        var temp = new JournalDirectory();
        _temps.Add(temp);
        return (temp.Partition, new FlakyFileFactory());
    }

    private PartitionJournal Open(string directory, FlakyFileFactory files, long segmentBytes = 128L * 1024 * 1024)
        => Journals.Open(directory, new JournalOptions { SegmentBytes = segmentBytes, FileFactory = files }, _time);

    private static byte[] ReadFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    [Fact]
    public void A_short_write_before_ENOSPC_is_truncated_away_and_reported_as_out_of_space()
    {
        var (directory, files) = Fresh();
        using var journal = Open(directory, files);
        Journals.AppendAndCommit(journal, TestBatches.Make(2));
        byte[] committed = ReadFile(Journals.SegmentPath(directory, 0));
        journal.Append(TestBatches.Make(3));
        files.FailWriteAfter(1, partialBytes: 100, errno: Enospc);

        var error = Assert.Throws<JournalWriteFailedException>(() => journal.Commit());

        Assert.True(error.OutOfSpace);
        Assert.Equal(committed, ReadFile(Journals.SegmentPath(directory, 0)));
        Assert.Contains(files.Truncations, t => t == ("00000000000000000000.log", committed.Length));
        Assert.Equal(2, journal.CommittedEndOffset);
        Assert.Null(journal.WriteFailure);
    }

    [Fact]
    public void While_the_disk_stays_full_every_commit_is_undone_and_the_first_after_it_frees_succeeds()
    {
        var (directory, files) = Fresh();
        var acknowledged = new List<byte[]>();
        using (var journal = Open(directory, files))
        {
            var batch = TestBatches.Make(2, fill: 1);
            Journals.AppendAndCommit(journal, batch);
            acknowledged.Add(batch);
            files.DiskFull = true;
            for (int i = 0; i < 5; i++)
            {
                journal.Append(TestBatches.Make(3, fill: 2));
                Assert.True(Assert.Throws<JournalWriteFailedException>(() => journal.Commit()).OutOfSpace);
            }
            files.DiskFull = false;
            batch = TestBatches.Make(4, fill: 3);
            Assert.Equal(2, Journals.AppendAndCommit(journal, batch));
            acknowledged.Add(batch);
        }

        using var reopened = Open(directory, new FlakyFileFactory());
        var stored = Journals.ReadAll(reopened, 0);
        Assert.Equal(6, reopened.CommittedEndOffset);
        Assert.Equal(acknowledged.Count, stored.Count);
        for (int i = 0; i < stored.Count; i++) Assert.True(TestBatches.SameContent(acknowledged[i], stored[i].Bytes));
    }

    // Whichever write of a commit that rolls segments fails — a run, the sealed index, the new header, the checkpoint
    // — the files go back to the committed ones, the next commit works, and a reopen sees only acknowledged data.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void A_write_failing_anywhere_in_a_rolling_commit_leaves_exactly_the_committed_files(int failingWrite)
    {
        var (directory, files) = Fresh();
        var first = TestBatches.Make(5, fill: 1);
        var after = TestBatches.Make(2, fill: 4);
        using (var journal = Open(directory, files, segmentBytes: 1024))
        {
            Journals.AppendAndCommit(journal, first);
            byte[] committed = ReadFile(Journals.SegmentPath(directory, 0));
            string[] segmentsBefore = Journals.SegmentFiles(directory);
            journal.Append(TestBatches.Make(5, fill: 2));
            journal.Append(TestBatches.Make(5, fill: 3));
            files.FailWriteAfter(failingWrite, partialBytes: 50, errno: Enospc);

            var error = Record.Exception(journal.Commit);
            if (error is null) return; // this commit has fewer writes than that

            Assert.IsType<JournalWriteFailedException>(error);
            Assert.Equal(5, journal.CommittedEndOffset);
            Assert.Equal(segmentsBefore, Journals.SegmentFiles(directory));
            Assert.Equal(committed, ReadFile(Journals.SegmentPath(directory, 0)));
            Assert.False(File.Exists(Journals.IndexPath(directory, 5)));
            Assert.Equal(5, Journals.AppendAndCommit(journal, after));
            Assert.Equal(2, Journals.ReadAll(journal, 0).Count);
        }

        using var reopened = Open(directory, new FlakyFileFactory(), segmentBytes: 1024);
        var stored = Journals.ReadAll(reopened, 0);
        Assert.Equal(7, reopened.CommittedEndOffset);
        Assert.Equal(2, stored.Count);
        Assert.True(TestBatches.SameContent(first, stored[0].Bytes));
        Assert.True(TestBatches.SameContent(after, stored[1].Bytes));
    }

    [Fact]
    public void Running_out_of_descriptors_while_rolling_is_undone_rather_than_taken_for_a_failed_fsync()
    {
        var (directory, files) = Fresh();
        using var journal = Open(directory, files, segmentBytes: 1024);
        Journals.AppendAndCommit(journal, TestBatches.Make(5));
        journal.Append(TestBatches.Make(5));
        files.DirectoryOpenErrno = 24;

        var error = Assert.Throws<JournalWriteFailedException>(journal.Commit);

        Assert.Contains("Too many open files", error.Message);
        Assert.Equal(["00000000000000000000.log"], Journals.SegmentFiles(directory));
        files.DirectoryOpenErrno = 0;
        Assert.Equal(5, Journals.AppendAndCommit(journal, TestBatches.Make(5)));
        Assert.Equal(2, journal.SegmentCount);
    }

    [Fact]
    public void A_failed_directory_fsync_while_rolling_is_fail_stop()
    {
        var (directory, files) = Fresh();
        using var journal = Open(directory, files, segmentBytes: 1024);
        Journals.AppendAndCommit(journal, TestBatches.Make(5));
        journal.Append(TestBatches.Make(5));
        files.FailSyncs = true;

        Assert.Equal("fsync", Assert.Throws<JournalFailedException>(journal.Commit).Operation);
        Assert.NotNull(journal.WriteFailure);
        Assert.Single(Journals.ReadAll(journal, 0));
    }

    [Fact]
    public void After_an_undone_write_the_index_finds_the_batches_written_since()
    {
        var (directory, files) = Fresh();
        using var journal = Journals.Open(directory,
            new JournalOptions { IndexIntervalBytes = 256, FileFactory = files }, _time);
        Journals.AppendAndCommit(journal, TestBatches.Make(3, fill: 1));
        for (int i = 0; i < 4; i++) journal.Append(TestBatches.Make(3, valueBytes: 40, fill: 2));
        files.FailWriteAfter(1, partialBytes: 10, errno: Enospc);
        Assert.Throws<JournalWriteFailedException>(journal.Commit);

        // Differently sized batches now sit where the undone ones would have been.
        for (int i = 0; i < 6; i++) Journals.AppendAndCommit(journal, TestBatches.Make(1, valueBytes: 300, fill: 3));

        var buffer = new byte[64 * 1024];
        for (long offset = 3; offset < 9; offset++)
        {
            var read = journal.Read(offset, buffer);
            var batches = TestBatches.Split(buffer.AsSpan(0, read.BytesWritten));
            Assert.Equal(offset, batches[0].BaseOffset);
        }
    }

    [Fact]
    public void Keeping_what_an_undo_needs_costs_a_commit_no_allocation()
    {
        // Only Linux gathers writes without allocating (pwritev); elsewhere RandomAccess allocates per call anyway.
        if (!OperatingSystem.IsLinux()) return;
        var (directory, _) = Fresh();
        // A sparse index that never grows inside the measured window: its doubling growth is amortised per segment,
        // not part of what an undo keeps.
        using var journal = Journals.Open(directory, new JournalOptions { Fsync = FsyncPolicy.Never, IndexIntervalBytes = 64 * 1024 * 1024 }, _time);
        byte[] batch = TestBatches.Make(10);
        for (int i = 0; i < 100; i++) Journals.AppendAndCommit(journal, batch);

        long allocated = Allocations.LeastOf(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                journal.Append(batch);
                journal.Commit();
            }
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_failed_fsync_stops_writes_for_good_but_committed_data_stays_readable()
    {
        var (directory, files) = Fresh();
        using var journal = Open(directory, files);
        var first = TestBatches.Make(2);
        Journals.AppendAndCommit(journal, first);
        journal.Append(TestBatches.Make(3));
        files.FailSyncs = true;

        var error = Assert.Throws<JournalFailedException>(journal.Commit);

        Assert.Equal("fsync", error.Operation);
        Assert.Contains("fsync failed", journal.WriteFailure);
        files.FailSyncs = false;
        Assert.Throws<JournalFailedException>(() => journal.Append(TestBatches.Make(1)));
        Assert.Equal(first, Assert.Single(Journals.ReadAll(journal, 0)).Bytes);
    }
}
