using FastBroker.Server.Journal;
using FastBroker.Server.Journal.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Journal;

public sealed class JournalRecoveryTests : IDisposable
{
    private readonly JournalDirectory _temp = new();
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLogger _logger = new();

    public void Dispose() => _temp.Dispose();

    private string Segment0 => Path.GetFullPath(Journals.SegmentPath(_temp.Partition, 0));

    private PartitionJournal Open(JournalOptions? options = null) => Journals.Open(_temp.Partition, options, _time, _logger);

    // Commits each batch in its own group, then closes the files as a crash would.
    private void CommitThenCrash(JournalOptions? options, params byte[][] batches)
    {
        var journal = Open(options);
        foreach (var batch in batches) Journals.AppendAndCommit(journal, batch);
        journal.CloseAbruptly();
    }

    private CheckpointRecord LatestCheckpoint()
    {
        using var file = CheckpointFile.Open(SegmentFileFactory.Instance, Path.GetFullPath(_temp.Partition));
        return Assert.NotNull(file.Latest);
    }

    private void AssertLogged(LogLevel level, params string[] fragments)
        => Assert.Contains(_logger.Entries, e => e.Level == level && fragments.All(f => e.Message.Contains(f, StringComparison.Ordinal)));

    [Fact]
    public void A_tail_cut_mid_batch_is_truncated_and_its_offsets_are_reassigned()
    {
        var a = TestBatches.Make(2);
        var b = TestBatches.Make(3);
        var c = TestBatches.Make(4);
        CommitThenCrash(null, a, b, c);
        long cPosition = Journals.SegmentHeaderBytes + a.Length + b.Length;
        using (var stream = new FileStream(Segment0, FileMode.Open)) stream.SetLength(cPosition + c.Length - 10);

        using var journal = Open();

        Assert.Equal(5, journal.CommittedEndOffset);
        Assert.Equal(cPosition, new FileInfo(Segment0).Length);
        AssertLogged(LogLevel.Warning, Segment0, $"position {cPosition}", $"dropped {c.Length - 10} bytes", "offsets from 5");
        Assert.Equal(5, Journals.AppendAndCommit(journal, TestBatches.Make(1)));
        Assert.Equal([0L, 2L, 5L], Journals.ReadAll(journal, 0).Select(x => x.BaseOffset));
    }

    [Fact]
    public void A_zeroed_tail_counts_as_torn()
    {
        var a = TestBatches.Make(2);
        var b = TestBatches.Make(3);
        CommitThenCrash(null, a, b);
        long bPosition = Journals.SegmentHeaderBytes + a.Length;
        using (var stream = new FileStream(Segment0, FileMode.Open))
        {
            // The last batch's pages never reached the disk, and the file grew by zeros past it.
            stream.Position = bPosition;
            stream.Write(new byte[b.Length + 4096]);
        }

        using var journal = Open();

        Assert.Equal(2, journal.CommittedEndOffset);
        Assert.Equal(bPosition, new FileInfo(Segment0).Length);
        AssertLogged(LogLevel.Warning, Segment0, $"position {bPosition}", $"dropped {b.Length + 4096} bytes");
        Assert.Single(Journals.ReadAll(journal, 0));
    }

    [Fact]
    public void A_flipped_bit_beyond_the_checkpoint_is_truncated_there_and_later_offsets_are_reassigned()
    {
        var a = TestBatches.Make(2, fill: 1);
        var b = TestBatches.Make(3, fill: 2);
        var c = TestBatches.Make(4, fill: 3);
        var journal = Open();
        _time.Advance(TimeSpan.FromSeconds(2));
        Journals.AppendAndCommit(journal, a); // the checkpoint is due: it records offset 2
        Journals.AppendAndCommit(journal, b);
        Journals.AppendAndCommit(journal, c);
        journal.CloseAbruptly();
        Assert.Equal(2, LatestCheckpoint().EndOffset);
        long bPosition = Journals.SegmentHeaderBytes + a.Length;
        Journals.FlipBit(Segment0, bPosition + 100, bit: 3);

        using var reopened = Open();

        Assert.Equal(2, reopened.CommittedEndOffset);
        Assert.Equal(bPosition, new FileInfo(Segment0).Length);
        AssertLogged(LogLevel.Warning, Segment0, $"position {bPosition}", $"dropped {b.Length + c.Length} bytes", "offsets from 2", "CRC");
        var d = TestBatches.Make(1, fill: 4);
        Assert.Equal(2, Journals.AppendAndCommit(reopened, d));
        var batches = Journals.ReadAll(reopened, 0);
        Assert.Equal([0L, 2L], batches.Select(x => x.BaseOffset));
        Assert.Equal(d, batches[1].Bytes);
    }

    [Fact]
    public void A_flipped_bit_below_the_checkpoint_fails_open_naming_file_and_offset_and_is_not_truncated()
    {
        var a = TestBatches.Make(2);
        var b = TestBatches.Make(3);
        var c = TestBatches.Make(4);
        var journal = Open();
        Journals.AppendAndCommit(journal, a);
        Journals.AppendAndCommit(journal, b);
        _time.Advance(TimeSpan.FromSeconds(2));
        Journals.AppendAndCommit(journal, c);
        journal.CloseAbruptly();
        Assert.Equal(9, LatestCheckpoint().EndOffset);
        long bPosition = Journals.SegmentHeaderBytes + a.Length;
        Journals.FlipBit(Segment0, bPosition + 80);
        byte[] before = File.ReadAllBytes(Segment0);

        var error = Assert.Throws<JournalCorruptedException>(() => Open());

        Assert.Equal(Segment0, error.FilePath);
        Assert.Equal(bPosition, error.FilePosition);
        Assert.Equal(2, error.Offset);
        Assert.Contains(Segment0, error.Message);
        Assert.Equal(before, File.ReadAllBytes(Segment0));
    }

    [Fact]
    public void A_checkpoint_past_the_end_of_the_log_is_corruption()
    {
        var a = TestBatches.Make(2);
        using (var journal = Open())
        {
            Journals.AppendAndCommit(journal, a);
            Journals.AppendAndCommit(journal, TestBatches.Make(3));
        }
        long cut = Journals.SegmentHeaderBytes + a.Length;
        using (var stream = new FileStream(Segment0, FileMode.Open)) stream.SetLength(cut);

        var error = Assert.Throws<JournalCorruptedException>(() => Open());

        Assert.Equal(Segment0, error.FilePath);
        Assert.Equal(5, error.Offset);
        Assert.Contains("past the end", error.Message);
        Assert.Equal(cut, new FileInfo(Segment0).Length);
    }

    [Fact]
    public void A_checkpoint_without_any_segment_is_corruption()
    {
        using (var journal = Open()) Journals.AppendAndCommit(journal, TestBatches.Make(2));
        File.Delete(Segment0);

        var error = Assert.Throws<JournalCorruptedException>(() => Open());
        Assert.Equal(2, error.Offset);
    }

    [Fact]
    public void A_deleted_index_is_rebuilt_and_reads_still_work()
    {
        var options = new JournalOptions { SegmentBytes = 2048, IndexIntervalBytes = 256 };
        using (var journal = Open(options))
        {
            for (int i = 0; i < 20; i++) Journals.AppendAndCommit(journal, TestBatches.Make(3, fill: (byte)i));
        }
        var bases = Journals.SegmentFiles(_temp.Partition).Select(f => long.Parse(f[..20])).ToArray();
        string firstIndex = Journals.IndexPath(_temp.Partition, bases[0]);
        byte[] original = File.ReadAllBytes(firstIndex);
        File.Delete(firstIndex);

        using var reopened = Open(options);

        Assert.Equal(original, File.ReadAllBytes(firstIndex));
        AssertLogged(LogLevel.Information, "Rebuilt index", Path.GetFileName(firstIndex));
        var batches = Journals.ReadAll(reopened, 0);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * 3L), batches.Select(x => x.BaseOffset));
        for (long offset = 0; offset < 60; offset++) Assert.True(reopened.Read(offset, new byte[4096]).BatchCount > 0);
    }

    [Fact]
    public void A_damaged_index_is_rebuilt()
    {
        var options = new JournalOptions { SegmentBytes = 2048 };
        using (var journal = Open(options))
        {
            for (int i = 0; i < 20; i++) Journals.AppendAndCommit(journal, TestBatches.Make(3));
        }
        string firstIndex = Journals.IndexPath(_temp.Partition, 0);
        byte[] original = File.ReadAllBytes(firstIndex);
        Journals.FlipBit(firstIndex, 20);

        using var reopened = Open(options);

        Assert.Equal(original, File.ReadAllBytes(firstIndex));
        Assert.Equal(20, Journals.ReadAll(reopened, 0).Count);
    }

    [Fact]
    public void Sealed_segments_are_not_rescanned_but_damage_in_them_is_caught_on_read()
    {
        var options = new JournalOptions { SegmentBytes = 2048 };
        using (var journal = Open(options))
        {
            for (int i = 0; i < 20; i++) Journals.AppendAndCommit(journal, TestBatches.Make(3));
        }
        Journals.FlipBit(Segment0, Journals.SegmentHeaderBytes + 100);

        using var reopened = Open(options);

        var error = Assert.Throws<JournalCorruptedException>(() => reopened.Read(0, new byte[4096]));
        Assert.Equal(Segment0, error.FilePath);
        Assert.Equal(Journals.SegmentHeaderBytes, error.FilePosition);
        Assert.Equal(0, error.Offset);
        Assert.Equal(60, reopened.CommittedEndOffset);
        Assert.True(reopened.Read(57, new byte[4096]).BatchCount > 0);
    }

    [Fact]
    public void Damage_found_while_rebuilding_a_sealed_index_is_corruption()
    {
        var options = new JournalOptions { SegmentBytes = 2048 };
        using (var journal = Open(options))
        {
            for (int i = 0; i < 20; i++) Journals.AppendAndCommit(journal, TestBatches.Make(3));
        }
        File.Delete(Journals.IndexPath(_temp.Partition, 0));
        Journals.FlipBit(Segment0, Journals.SegmentHeaderBytes + 100);
        long length = new FileInfo(Segment0).Length;

        var error = Assert.Throws<JournalCorruptedException>(() => Open(options));

        Assert.Equal(Segment0, error.FilePath);
        Assert.Equal(0, error.Offset);
        Assert.Equal(length, new FileInfo(Segment0).Length);
    }

    [Fact]
    public void Every_segment_after_the_checkpoint_is_scanned_and_a_torn_one_is_truncated()
    {
        var options = new JournalOptions { SegmentBytes = 2048 };
        string checkpointPath = _temp.File(CheckpointFile.FileName);
        var journal = Open(options);
        Journals.AppendAndCommit(journal, TestBatches.Make(3));
        _time.Advance(TimeSpan.FromSeconds(2));
        Journals.AppendAndCommit(journal, TestBatches.Make(3));
        byte[] earlyCheckpoint = File.ReadAllBytes(checkpointPath);
        for (int i = 0; i < 20; i++) Journals.AppendAndCommit(journal, TestBatches.Make(3));
        journal.CloseAbruptly();
        // As if the process died after the rolls but before their checkpoints reached the disk.
        File.WriteAllBytes(checkpointPath, earlyCheckpoint);
        Assert.Equal(6, LatestCheckpoint().EndOffset);
        var files = Journals.SegmentFiles(_temp.Partition);
        string last = _temp.File(files[^1]);
        long lastLength = new FileInfo(last).Length;
        using (var stream = new FileStream(last, FileMode.Open)) stream.SetLength(lastLength - 5);

        using var reopened = Open(options);

        Assert.Equal(63, reopened.CommittedEndOffset);
        Assert.Equal(files, Journals.SegmentFiles(_temp.Partition));
        AssertLogged(LogLevel.Warning, Path.GetFullPath(last), "offsets from 63");
        Assert.Equal(21, Journals.ReadAll(reopened, 0).Count);
        Assert.Equal(63, LatestCheckpoint().EndOffset);
    }

    [Fact]
    public void A_segment_whose_header_never_reached_the_disk_is_dropped_when_it_follows_the_checkpoint()
    {
        CommitThenCrash(null, TestBatches.Make(2));
        string orphan = Path.GetFullPath(Journals.SegmentPath(_temp.Partition, 2));
        File.WriteAllBytes(orphan, new byte[Journals.SegmentHeaderBytes]);

        using var journal = Open();

        Assert.False(File.Exists(orphan));
        AssertLogged(LogLevel.Warning, orphan, "Deleted");
        Assert.Equal(2, journal.CommittedEndOffset);
        Assert.Equal(2, Journals.AppendAndCommit(journal, TestBatches.Make(1)));
    }

    [Fact]
    public void A_damaged_header_of_the_checkpoint_segment_is_corruption()
    {
        using (var journal = Open()) Journals.AppendAndCommit(journal, TestBatches.Make(2));
        Journals.FlipBit(Segment0, 20);

        var error = Assert.Throws<JournalCorruptedException>(() => Open());

        Assert.Equal(Segment0, error.FilePath);
        Assert.Equal(0, error.FilePosition);
    }

    [Fact]
    public void A_missing_checkpoint_means_a_full_scan_and_a_new_checkpoint()
    {
        CommitThenCrash(null, TestBatches.Make(2), TestBatches.Make(3));
        File.Delete(_temp.File(CheckpointFile.FileName));

        using (var journal = Open()) Assert.Equal(5, journal.CommittedEndOffset);

        var checkpoint = LatestCheckpoint();
        Assert.Equal(5, checkpoint.EndOffset);
        Assert.Equal(0, checkpoint.SegmentBaseOffset);
    }
}
