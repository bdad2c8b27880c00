using FastBroker.Server.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Journal;

public sealed class JournalFailureTests : IDisposable
{
    private readonly JournalDirectory _temp = new();
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLogger _logger = new();
    private readonly FlakyFileFactory _files = new();

    public void Dispose() => _temp.Dispose();

    private PartitionJournal Open(FsyncPolicy? fsync = null, long segmentBytes = 128L * 1024 * 1024)
        => Journals.Open(_temp.Partition, new JournalOptions { Fsync = fsync ?? FsyncPolicy.Always, SegmentBytes = segmentBytes, FileFactory = _files },
            _time, _logger);

    [Fact]
    public void A_failed_write_is_undone_and_the_journal_takes_the_next_commit()
    {
        using var journal = Open();
        var first = TestBatches.Make(2);
        Journals.AppendAndCommit(journal, first);
        journal.Append(TestBatches.Make(3));
        journal.Append(TestBatches.Make(4));
        _files.FailWriteAfter(1);

        var error = Assert.Throws<JournalWriteFailedException>(() => journal.Commit());

        Assert.IsType<IOException>(error.InnerException);
        Assert.Contains("injected write failure", error.Message);
        Assert.False(error.OutOfSpace);
        Assert.Equal(2, journal.CommittedEndOffset);
        Assert.Equal(2, journal.NextOffset);
        Assert.Equal(0, journal.PendingBatches);
        Assert.Null(journal.WriteFailure);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("was undone"));
        Assert.Equal(2, Journals.AppendAndCommit(journal, TestBatches.Make(1)));
        var stored = Journals.ReadAll(journal, 0);
        Assert.Equal(2, stored.Count);
        Assert.Equal(first, stored[0].Bytes);
        Assert.Equal((2L, 1), (stored[1].BaseOffset, stored[1].Records));
    }

    [Fact]
    public void A_failed_fsync_fails_the_commit_and_is_never_retried()
    {
        using var journal = Open();
        Journals.AppendAndCommit(journal, TestBatches.Make(2));
        journal.Append(TestBatches.Make(3));
        _files.FailSyncs = true;

        var error = Assert.Throws<JournalFailedException>(() => journal.Commit());

        Assert.Contains("fdatasync", error.InnerException!.Message);
        Assert.Equal(2, journal.CommittedEndOffset);
        Assert.Equal(2, journal.NextOffset);
        _files.FailSyncs = false;
        int syncs = _files.Syncs;
        Assert.Throws<JournalFailedException>(() => journal.Append(TestBatches.Make(1)));
        Assert.Throws<JournalFailedException>(() => journal.Sync());
        journal.Dispose();
        Assert.Equal(syncs, _files.Syncs);
    }

    [Fact]
    public void A_failed_interval_sync_fails_the_journal()
    {
        using var journal = Open(FsyncPolicy.EveryInterval(TimeSpan.FromMilliseconds(50)));
        Journals.AppendAndCommit(journal, TestBatches.Make(2));
        _files.FailSyncs = true;

        Assert.Throws<JournalFailedException>(() => journal.Sync());
        Assert.Throws<JournalFailedException>(() => journal.Append(TestBatches.Make(1)));
        Assert.Equal(Timeout.InfiniteTimeSpan, journal.SyncDueIn);
    }

    [Fact]
    public void A_failure_while_rolling_a_segment_fails_the_whole_group()
    {
        using var journal = Open(segmentBytes: 1024);
        Journals.AppendAndCommit(journal, TestBatches.Make(5));
        journal.Append(TestBatches.Make(5));
        journal.Append(TestBatches.Make(5));
        _files.FailWriteAfter(3); // first run, the sealed index, then the new segment's header

        Assert.Throws<JournalWriteFailedException>(() => journal.Commit());
        Assert.Equal(5, journal.CommittedEndOffset);
        Assert.Equal(["00000000000000000000.log"], Journals.SegmentFiles(_temp.Partition));
    }

    [Fact]
    public void Reopening_after_a_failure_recovers_the_acknowledged_data()
    {
        var first = TestBatches.Make(2);
        using (var journal = Open())
        {
            Journals.AppendAndCommit(journal, first);
            journal.Append(TestBatches.Make(3));
            _files.FailWriteAfter(1);
            Assert.Throws<JournalWriteFailedException>(() => journal.Commit());
        }

        using var reopened = Open();
        Assert.Equal(2, reopened.CommittedEndOffset);
        Assert.Equal(2, Journals.AppendAndCommit(reopened, TestBatches.Make(1)));
    }

    [Fact]
    public void Always_policy_writes_and_syncs_once_per_commit_for_the_whole_group()
    {
        using var journal = Open();
        int writes = _files.Writes;
        int syncs = _files.SyncsOf(".log");

        for (int i = 0; i < 10; i++) journal.Append(TestBatches.Make(3));
        journal.Commit();

        Assert.Equal(writes + 1, _files.Writes);
        Assert.Equal(syncs + 1, _files.SyncsOf(".log"));
        Assert.False(journal.HasUnsyncedData);
        Assert.Equal(Timeout.InfiniteTimeSpan, journal.SyncDueIn);
    }

    [Fact]
    public void The_checkpoint_is_written_at_most_once_per_checkpoint_interval()
    {
        using var journal = Open();
        int checkpoints = _files.SyncsOf("checkpoint");

        for (int i = 0; i < 10; i++) Journals.AppendAndCommit(journal, TestBatches.Make(1));
        Assert.Equal(checkpoints, _files.SyncsOf("checkpoint"));

        _time.Advance(TimeSpan.FromSeconds(1));
        Journals.AppendAndCommit(journal, TestBatches.Make(1));
        Journals.AppendAndCommit(journal, TestBatches.Make(1));
        Assert.Equal(checkpoints + 1, _files.SyncsOf("checkpoint"));
    }

    [Fact]
    public void Interval_policy_commits_without_fsync_until_a_sync_is_due()
    {
        using var journal = Open(FsyncPolicy.EveryInterval(TimeSpan.FromMilliseconds(100)));
        int syncs = _files.SyncsOf(".log");
        Assert.Equal(Timeout.InfiniteTimeSpan, journal.SyncDueIn);

        Journals.AppendAndCommit(journal, TestBatches.Make(2));
        Assert.Equal(2, journal.CommittedEndOffset);
        Assert.True(journal.HasUnsyncedData);
        Assert.Equal(TimeSpan.FromMilliseconds(100), journal.SyncDueIn);
        _time.Advance(TimeSpan.FromMilliseconds(60));
        Journals.AppendAndCommit(journal, TestBatches.Make(2));
        Assert.Equal(TimeSpan.FromMilliseconds(40), journal.SyncDueIn);
        Assert.Equal(syncs, _files.SyncsOf(".log"));

        journal.Sync();
        Assert.False(journal.HasUnsyncedData);
        Assert.Equal(Timeout.InfiniteTimeSpan, journal.SyncDueIn);
        Assert.Equal(syncs + 1, _files.SyncsOf(".log"));

        // A busy writer does not depend on the timer: an overdue commit syncs itself.
        Journals.AppendAndCommit(journal, TestBatches.Make(2));
        _time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(TimeSpan.Zero, journal.SyncDueIn);
        Journals.AppendAndCommit(journal, TestBatches.Make(2));
        Assert.False(journal.HasUnsyncedData);
        Assert.Equal(syncs + 2, _files.SyncsOf(".log"));
    }

    [Fact]
    public void Never_policy_syncs_only_on_close()
    {
        var journal = Open(FsyncPolicy.Never);
        int syncs = _files.SyncsOf(".log");
        for (int i = 0; i < 5; i++) Journals.AppendAndCommit(journal, TestBatches.Make(2));
        _time.Advance(TimeSpan.FromHours(1));
        Journals.AppendAndCommit(journal, TestBatches.Make(2));
        Assert.Equal(syncs, _files.SyncsOf(".log"));
        Assert.True(journal.HasUnsyncedData);
        Assert.Equal(Timeout.InfiniteTimeSpan, journal.SyncDueIn);

        journal.Dispose();

        Assert.Equal(syncs + 1, _files.SyncsOf(".log"));
    }

    [Fact]
    public void Rolling_syncs_the_sealed_segment_the_new_segment_and_the_directory()
    {
        using var journal = Open(FsyncPolicy.Never, segmentBytes: 1024);
        Journals.AppendAndCommit(journal, TestBatches.Make(5));
        int dirSyncs = _files.DirectorySyncs;
        int checkpoints = _files.SyncsOf("checkpoint");

        Journals.AppendAndCommit(journal, TestBatches.Make(5));

        Assert.Equal(1, _files.SyncsOf("00000000000000000000.log") - 1); // one at creation, one when sealed
        Assert.Equal(1, _files.SyncsOf("00000000000000000005.log")); // its header, at creation
        Assert.Equal(dirSyncs + 1, _files.DirectorySyncs);
        Assert.Equal(checkpoints + 1, _files.SyncsOf("checkpoint"));
        Assert.True(journal.HasUnsyncedData);
    }
}
