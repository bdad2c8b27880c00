using FastBroker.Server.Journal;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Tests.Journal;

public sealed class PartitionJournalTests : IDisposable
{
    private readonly JournalDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void New_journal_is_empty_with_one_segment_and_a_checkpoint()
    {
        using var journal = Journals.Open(_temp.Partition);

        Assert.Equal(0, journal.StartOffset);
        Assert.Equal(0, journal.CommittedEndOffset);
        Assert.Equal(0, journal.NextOffset);
        Assert.Equal(Path.GetFullPath(_temp.Partition), journal.Directory);
        Assert.Equal(["00000000000000000000.log"], Journals.SegmentFiles(_temp.Partition));
        Assert.True(File.Exists(_temp.File("checkpoint")));
        Assert.Equal(Journals.SegmentHeaderBytes, new FileInfo(Journals.SegmentPath(_temp.Partition, 0)).Length);
    }

    [Fact]
    public void Append_assigns_contiguous_offsets_and_read_returns_the_batches_byte_for_byte()
    {
        using var journal = Journals.Open(_temp.Partition);
        var first = TestBatches.Make(3, fill: 1);
        var second = TestBatches.Make(1, fill: 2);
        var third = TestBatches.Make(7, fill: 3);

        Assert.Equal(0, journal.Append(first));
        Assert.Equal(3, journal.Append(second));
        Assert.Equal(4, journal.Append(third));
        Assert.Equal(11, journal.NextOffset);
        Assert.Equal(3, journal.PendingBatches);
        Assert.Equal(first.Length + second.Length + third.Length, journal.PendingBytes);
        journal.Commit();

        Assert.Equal(11, journal.CommittedEndOffset);
        Assert.Equal(0, journal.PendingBatches);
        Assert.Equal(0, journal.PendingBytes);
        var batches = Journals.ReadAll(journal, 0);
        Assert.Equal([0L, 3L, 4L], batches.Select(b => b.BaseOffset));
        // The base offset was written into the caller's buffer in place; everything else is untouched.
        Assert.Equal(first, batches[0].Bytes);
        Assert.Equal(second, batches[1].Bytes);
        Assert.Equal(third, batches[2].Bytes);
        Assert.Equal(4, RecordBatch.ReadBaseOffset(third));
    }

    [Fact]
    public void Appended_batches_stay_invisible_until_commit()
    {
        using var journal = Journals.Open(_temp.Partition);
        Journals.AppendAndCommit(journal, TestBatches.Make(2));
        journal.Append(TestBatches.Make(5));

        Assert.Equal(2, journal.CommittedEndOffset);
        Assert.Equal(7, journal.NextOffset);
        Assert.Equal(0, journal.Read(2, new byte[4096]).BytesWritten);
        Assert.Throws<ArgumentOutOfRangeException>(() => journal.Read(3, new byte[4096]));
    }

    [Fact]
    public void Read_at_committed_end_returns_nothing_and_outside_the_range_throws()
    {
        using var journal = Journals.Open(_temp.Partition);
        Assert.Equal(default, journal.Read(0, new byte[100]));
        Journals.AppendAndCommit(journal, TestBatches.Make(4));

        Assert.Equal(new JournalReadResult(0, 0, 0), journal.Read(4, new byte[4096]));
        Assert.Throws<ArgumentOutOfRangeException>(() => journal.Read(5, new byte[4096]));
        Assert.Throws<ArgumentOutOfRangeException>(() => journal.Read(-1, new byte[4096]));
    }

    [Fact]
    public void Read_with_a_too_small_destination_reports_the_required_bytes()
    {
        using var journal = Journals.Open(_temp.Partition);
        var batch = TestBatches.Make(10);
        Journals.AppendAndCommit(journal, batch);

        var result = journal.Read(0, new byte[batch.Length - 1]);

        Assert.Equal(new JournalReadResult(0, batch.Length, 0), result);
        Assert.Equal(new JournalReadResult(batch.Length, 0, 1), journal.Read(0, new byte[batch.Length]));
    }

    [Fact]
    public void Read_returns_only_the_whole_batches_that_fit()
    {
        using var journal = Journals.Open(_temp.Partition);
        var a = TestBatches.Make(1);
        var b = TestBatches.Make(2);
        var c = TestBatches.Make(3);
        journal.Append(a);
        journal.Append(b);
        journal.Append(c);
        journal.Commit();

        var destination = new byte[a.Length + b.Length + c.Length - 1];
        var result = journal.Read(0, destination);

        Assert.Equal(new JournalReadResult(a.Length + b.Length, 0, 2), result);
        Assert.Equal([0L, 1L], TestBatches.Split(destination.AsSpan(0, result.BytesWritten)).Select(x => x.BaseOffset));
    }

    [Fact]
    public void Read_of_an_offset_inside_a_batch_starts_at_that_batch()
    {
        using var journal = Journals.Open(_temp.Partition, new JournalOptions { IndexIntervalBytes = 1000 });
        var sizes = new[] { 1, 5, 2, 9, 1, 1, 4, 30, 3 };
        foreach (int records in sizes) journal.Append(TestBatches.Make(records, valueBytes: 50));
        journal.Commit();

        long baseOffset = 0;
        var buffer = new byte[64 * 1024];
        foreach (int records in sizes)
        {
            for (long offset = baseOffset; offset < baseOffset + records; offset++)
            {
                var result = journal.Read(offset, buffer);
                Assert.Equal(baseOffset, TestBatches.Split(buffer.AsSpan(0, result.BytesWritten))[0].BaseOffset);
            }
            baseOffset += records;
        }
    }

    [Theory]
    [InlineData(1)] // every batch indexed
    [InlineData(1_000_000)] // one entry for the segment: long walks
    public void Read_finds_every_batch_whatever_the_index_gap_and_destination_size(int indexIntervalBytes)
    {
        using var journal = Journals.Open(_temp.Partition, new JournalOptions { IndexIntervalBytes = indexIntervalBytes });
        var batches = Enumerable.Range(0, 60).Select(i => TestBatches.Make(1 + i % 3, valueBytes: 40, fill: (byte)i)).ToList();
        foreach (var batch in batches) journal.Append(batch);
        journal.Commit();
        int largest = batches.Max(b => b.Length);

        foreach (int size in new[] { largest, largest * 3 + 7, 64 * 1024 })
        {
            var buffer = new byte[size];
            long offset = 0;
            for (int i = 0; i < batches.Count; i++)
            {
                var result = journal.Read(offset, buffer);
                var read = TestBatches.Split(buffer.AsSpan(0, result.BytesWritten));
                Assert.Equal(batches[i], read[0].Bytes);
                for (int j = 1; j < read.Count; j++) Assert.Equal(batches[i + j], read[j].Bytes);
                offset += read[0].Records;
            }
        }
    }

    [Fact]
    public void Segments_roll_when_full_and_reads_cross_them_with_contiguous_offsets()
    {
        var options = new JournalOptions { SegmentBytes = 4096, IndexIntervalBytes = 512 };
        using var journal = Journals.Open(_temp.Partition, options);
        var lengths = new List<int>();
        for (int i = 0; i < 40; i++)
        {
            var batch = TestBatches.Make(1 + i % 7, valueBytes: 90, fill: (byte)i);
            lengths.Add(batch.Length);
            Journals.AppendAndCommit(journal, batch);
        }

        var files = Journals.SegmentFiles(_temp.Partition);
        Assert.True(files.Length >= 4, $"expected several segments, got {files.Length}");
        foreach (string file in files) Assert.True(new FileInfo(Path.Combine(_temp.Partition, file)).Length <= 4096);

        var batches = Journals.ReadAll(journal, 0);
        Assert.Equal(40, batches.Count);
        long expected = 0;
        for (int i = 0; i < batches.Count; i++)
        {
            Assert.Equal(expected, batches[i].BaseOffset);
            Assert.Equal(lengths[i], batches[i].Bytes.Length);
            Assert.Equal((byte)i, batches[i].Bytes[^1]);
            expected += batches[i].Records;
        }
        Assert.Equal(expected, journal.CommittedEndOffset);

        // Each segment is named after the first offset it holds.
        var bases = files.Select(f => long.Parse(f[..20])).ToArray();
        Assert.Equal(0, bases[0]);
        Assert.All(bases, b => Assert.Contains(batches, x => x.BaseOffset == b));
    }

    [Fact]
    public void A_read_never_spans_two_segments()
    {
        using var journal = Journals.Open(_temp.Partition, new JournalOptions { SegmentBytes = 2048 });
        for (int i = 0; i < 10; i++) Journals.AppendAndCommit(journal, TestBatches.Make(4));
        var segmentTwoBase = long.Parse(Journals.SegmentFiles(_temp.Partition)[1][..20]);

        var buffer = new byte[1 << 20];
        var result = journal.Read(0, buffer);

        var batches = TestBatches.Split(buffer.AsSpan(0, result.BytesWritten));
        Assert.Equal(segmentTwoBase, batches[^1].BaseOffset + batches[^1].Records);
    }

    [Fact]
    public void One_commit_crossing_rolls_keeps_offsets_contiguous()
    {
        using var journal = Journals.Open(_temp.Partition, new JournalOptions { SegmentBytes = 3000 });
        for (int i = 0; i < 25; i++) journal.Append(TestBatches.Make(3, fill: (byte)i));
        journal.Commit();

        Assert.True(Journals.SegmentFiles(_temp.Partition).Length >= 4);
        var batches = Journals.ReadAll(journal, 0);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i * 3), batches.Select(b => b.BaseOffset));
    }

    [Fact]
    public void A_batch_larger_than_a_segment_goes_alone_into_a_fresh_segment()
    {
        using var journal = Journals.Open(_temp.Partition, new JournalOptions { SegmentBytes = 1024 });
        Journals.AppendAndCommit(journal, TestBatches.Make(1, valueBytes: 100));
        var big = TestBatches.Make(20, valueBytes: 100);
        Journals.AppendAndCommit(journal, big);
        Journals.AppendAndCommit(journal, TestBatches.Make(1, valueBytes: 100));

        Assert.Equal(["00000000000000000000.log", "00000000000000000001.log", "00000000000000000021.log"], Journals.SegmentFiles(_temp.Partition));
        Assert.Equal(Journals.SegmentHeaderBytes + big.Length, new FileInfo(Journals.SegmentPath(_temp.Partition, 1)).Length);
        Assert.Equal([0L, 1L, 21L], Journals.ReadAll(journal, 0).Select(b => b.BaseOffset));
    }

    [Fact]
    public void Reopen_after_clean_close_keeps_everything_and_continues_the_offsets()
    {
        var options = new JournalOptions { SegmentBytes = 4096 };
        var written = new List<byte[]>();
        using (var journal = Journals.Open(_temp.Partition, options))
        {
            for (int i = 0; i < 20; i++)
            {
                var batch = TestBatches.Make(2, fill: (byte)i);
                written.Add(batch);
                Journals.AppendAndCommit(journal, batch);
            }
        }
        foreach (string log in Journals.SegmentFiles(_temp.Partition))
            Assert.True(File.Exists(_temp.File(Path.ChangeExtension(log, ".idx"))), $"no index for {log}");

        using (var journal = Journals.Open(_temp.Partition, options))
        {
            Assert.Equal(0, journal.StartOffset);
            Assert.Equal(40, journal.CommittedEndOffset);
            Assert.Equal(40, journal.NextOffset);
            var batches = Journals.ReadAll(journal, 0);
            Assert.Equal(written, batches.Select(b => b.Bytes));

            Assert.Equal(40, Journals.AppendAndCommit(journal, TestBatches.Make(1)));
        }

        using (var journal = Journals.Open(_temp.Partition, options))
            Assert.Equal(41, journal.CommittedEndOffset);
    }

    [Fact]
    public void Append_rejects_a_buffer_that_is_not_a_whole_batch()
    {
        using var journal = Journals.Open(_temp.Partition);
        var batch = TestBatches.Make(2);

        Assert.Throws<ArgumentException>(() => journal.Append(new byte[10]));
        Assert.Throws<ArgumentException>(() => journal.Append(batch.AsMemory(0, batch.Length - 1)));
        Assert.Equal(0, journal.NextOffset);
        Assert.Equal(0, journal.PendingBatches);
    }

    [Fact]
    public void Dispose_is_idempotent_and_the_journal_is_unusable_afterwards()
    {
        var journal = Journals.Open(_temp.Partition);
        Journals.AppendAndCommit(journal, TestBatches.Make(1));
        journal.Dispose();
        journal.Dispose();

        Assert.Throws<ObjectDisposedException>(() => journal.Append(TestBatches.Make(1)));
        Assert.Throws<ObjectDisposedException>(() => journal.Commit());
        Assert.Throws<ObjectDisposedException>(() => journal.Read(0, new byte[4096]));
    }

    [Fact]
    public void Uncommitted_appends_are_discarded_on_close()
    {
        using (var journal = Journals.Open(_temp.Partition))
        {
            Journals.AppendAndCommit(journal, TestBatches.Make(1));
            journal.Append(TestBatches.Make(3));
        }
        using var reopened = Journals.Open(_temp.Partition);
        Assert.Equal(1, reopened.CommittedEndOffset);
    }

    [Fact]
    public void Open_rejects_invalid_options()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Journals.Open(_temp.Partition, new JournalOptions { SegmentBytes = 100 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Journals.Open(_temp.Partition, new JournalOptions { IndexIntervalBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Journals.Open(_temp.Partition,
            new JournalOptions { Fsync = new FsyncPolicy(FsyncMode.Interval, TimeSpan.Zero) }));
        Assert.False(Directory.Exists(_temp.Partition));
    }
}
