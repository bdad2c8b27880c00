using FastBroker.Server.Journal;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Journal;

public sealed class TimeIndexTests : IDisposable
{
    private const long T0 = 1_700_000_000_000;

    private readonly JournalDirectory _temp = new();
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLogger _logger = new();
    private readonly FlakyFileFactory _files = new();

    // Every record's timestamp in offset order, as stored (a record stamped before its batch's first is stored as the first).
    private readonly List<long> _stamps = [];

    public void Dispose() => _temp.Dispose();

    private PartitionJournal Open() => Journals.Open(_temp.Partition, new JournalOptions { SegmentBytes = 2048, IndexIntervalBytes = 256, FileFactory = _files }, _time, _logger);

    /// <summary>A batch of one 40-byte record per timestamp.</summary>
    private static byte[] Stamped(params long[] timestamps)
    {
        using var builder = new RecordBatchBuilder();
        foreach (long timestamp in timestamps) builder.Append(timestamp, hasKey: false, default, default, new byte[40]);
        return builder.Seal().ToArray();
    }

    private void Append(PartitionJournal journal, params long[] timestamps)
    {
        Journals.AppendAndCommit(journal, Stamped(timestamps));
        foreach (long timestamp in timestamps) _stamps.Add(Math.Max(timestamp, timestamps[0]));
    }

    // What the journal must answer: the first stored offset from `start` whose record is stamped at or after `timestamp`.
    private long Expected(long timestamp, long start)
    {
        for (int i = (int)start; i < _stamps.Count; i++)
        {
            if (_stamps[i] >= timestamp) return i;
        }
        return _stamps.Count;
    }

    private void AssertAnswersEverywhere(PartitionJournal journal)
    {
        long start = journal.StartOffset;
        long low = _stamps.Min() - 2, high = _stamps.Max() + 2;
        for (long t = low; t <= high; t++)
            Assert.True(Expected(t, start) == journal.OffsetForTimestamp(t), $"timestamp {t}: expected {Expected(t, start)}, got {journal.OffsetForTimestamp(t)}");
        Assert.Equal(start, journal.OffsetForTimestamp(long.MinValue));
        Assert.Equal(journal.CommittedEndOffset, journal.OffsetForTimestamp(long.MaxValue));
    }

    // 60 batches of 1-4 records over many segments; clocks of three producers that disagree by up to a second.
    private PartitionJournal OpenFilledSkewed(int seed = 7)
    {
        var journal = Open();
        var random = new Random(seed);
        long clock = T0;
        for (int i = 0; i < 60; i++)
        {
            clock += random.Next(0, 40);
            long skew = (i % 3) switch { 0 => 0, 1 => -1000, _ => 500 } + random.Next(-20, 20);
            int records = random.Next(1, 5);
            var stamps = new long[records];
            for (int r = 0; r < records; r++) stamps[r] = clock + skew + r * random.Next(0, 3);
            Append(journal, stamps);
        }
        Assert.True(journal.SegmentCount >= 5, "the test needs several segments");
        return journal;
    }

    private string[] TimeIndexFiles() => Directory.GetFiles(_temp.Partition, "*.tix").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void An_empty_journal_answers_its_end_and_has_no_largest_timestamp()
    {
        using var journal = Open();
        Assert.Equal(0, journal.OffsetForTimestamp(T0));
        Assert.Equal(-1, journal.LargestTimestamp);
    }

    [Fact]
    public void In_one_segment_the_answer_is_the_exact_record_inside_its_batch()
    {
        using var journal = Open();
        Append(journal, T0, T0 + 10);
        Append(journal, T0 + 100, T0 + 200, T0 + 300, T0 + 400, T0 + 500);
        Assert.Equal(1, journal.SegmentCount);

        Assert.Equal(0, journal.OffsetForTimestamp(T0 - 5));
        Assert.Equal(1, journal.OffsetForTimestamp(T0 + 1));
        Assert.Equal(2, journal.OffsetForTimestamp(T0 + 100));
        Assert.Equal(4, journal.OffsetForTimestamp(T0 + 250));
        Assert.Equal(6, journal.OffsetForTimestamp(T0 + 500));
        Assert.Equal(7, journal.OffsetForTimestamp(T0 + 501));
        Assert.Equal(T0 + 500, journal.LargestTimestamp);
        AssertAnswersEverywhere(journal);
    }

    [Fact]
    public void Over_many_segments_with_rising_timestamps_every_timestamp_finds_its_record()
    {
        using var journal = Open();
        for (int i = 0; i < 40; i++) Append(journal, T0 + i * 10, T0 + i * 10 + 3, T0 + i * 10 + 7);
        Assert.True(journal.SegmentCount >= 5);
        AssertAnswersEverywhere(journal);
        Assert.Equal(T0 + 397, journal.LargestTimestamp);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void With_disagreeing_clocks_the_answer_is_the_first_record_at_or_after_the_timestamp(int seed)
    {
        using var journal = OpenFilledSkewed(seed);
        AssertAnswersEverywhere(journal);
        Assert.Equal(_stamps.Max(), journal.LargestTimestamp);
    }

    [Fact]
    public void A_late_record_in_an_old_segment_is_found_before_later_segments()
    {
        using var journal = Open();
        Append(journal, T0);
        Append(journal, T0 + 5000); // a producer with a fast clock
        for (int i = 0; i < 30; i++) Append(journal, T0 + 10 + i, T0 + 10 + i);
        Assert.True(journal.SegmentCount >= 3);

        Assert.Equal(1, journal.OffsetForTimestamp(T0 + 20));
        Assert.Equal(1, journal.OffsetForTimestamp(T0 + 5000));
        Assert.Equal(journal.CommittedEndOffset, journal.OffsetForTimestamp(T0 + 5001));
    }

    [Fact]
    public void After_segments_are_deleted_the_answers_start_at_the_new_start()
    {
        using var journal = OpenFilledSkewed();
        var bases = Journals.SegmentFiles(_temp.Partition).Select(f => long.Parse(f[..20])).ToArray();
        long start = journal.DeleteSegmentsBefore(bases[2]);
        Assert.Equal(bases[2], start);

        Assert.Equal(start, journal.OffsetForTimestamp(long.MinValue));
        Assert.Equal(start, journal.OffsetForTimestamp(_stamps.Min()));
        AssertAnswersEverywhere(journal);
        Assert.DoesNotContain($"{bases[0]:D20}.tix", TimeIndexFiles());
        Assert.DoesNotContain($"{bases[1]:D20}.tix", TimeIndexFiles());
    }

    [Fact]
    public void A_reopened_journal_loads_its_time_indexes_and_answers_the_same()
    {
        OpenFilledSkewed().Dispose();
        var written = TimeIndexFiles();
        Assert.Equal(Journals.SegmentFiles(_temp.Partition).Length, written.Length);

        using var reopened = Open();
        Assert.DoesNotContain(_logger.Entries, e => e.Message.Contains("Rebuilt index"));
        AssertAnswersEverywhere(reopened);
        Assert.Equal(_stamps.Max(), reopened.LargestTimestamp);
    }

    public static TheoryData<string> Damage => ["missing", "truncated", "garbage", "flipped", "empty"];

    [Theory]
    [MemberData(nameof(Damage))]
    public void After_a_crash_a_damaged_time_index_is_rebuilt_from_its_segment(string damage)
    {
        var journal = OpenFilledSkewed();
        long largest = journal.LargestTimestamp;
        journal.CloseAbruptly();
        var sealedIndexes = TimeIndexFiles();
        Assert.NotEmpty(sealedIndexes);
        string victim = _temp.File(sealedIndexes[1]);
        long length = new FileInfo(victim).Length;
        switch (damage)
        {
            case "missing": File.Delete(victim); break;
            case "truncated": using (var s = new FileStream(victim, FileMode.Open)) s.SetLength(length - 30); break;
            case "garbage": File.WriteAllBytes(victim, Enumerable.Range(0, (int)length).Select(i => (byte)(i * 31)).ToArray()); break;
            case "flipped": Journals.FlipBit(victim, 60); break;
            case "empty": File.WriteAllBytes(victim, []); break;
        }

        using var reopened = Open();
        Assert.Contains(_logger.Entries, e => e.Message.Contains("Rebuilt index") && e.Message.Contains(sealedIndexes[1]));
        AssertAnswersEverywhere(reopened);
        Assert.Equal(largest, reopened.LargestTimestamp);
        Assert.True(new FileInfo(victim).Length > 52, "the rebuilt index was written back");
    }

    [Fact]
    public void A_time_index_describing_other_bytes_is_not_trusted()
    {
        var journal = OpenFilledSkewed();
        journal.Dispose();
        // The first segment's index, put in place of the second's.
        var indexes = TimeIndexFiles();
        File.Copy(_temp.File(indexes[0]), _temp.File(indexes[1]), overwrite: true);

        using var reopened = Open();
        Assert.Contains(_logger.Entries, e => e.Message.Contains("Rebuilt index") && e.Message.Contains(indexes[1]));
        AssertAnswersEverywhere(reopened);
    }

    [Fact]
    public void A_data_directory_from_before_time_indexes_opens_and_gets_them()
    {
        OpenFilledSkewed().Dispose();
        foreach (var file in TimeIndexFiles()) File.Delete(_temp.File(file));

        using (var reopened = Open())
        {
            AssertAnswersEverywhere(reopened);
            Assert.Equal(_stamps.Max(), reopened.LargestTimestamp);
        }
        Assert.Equal(Journals.SegmentFiles(_temp.Partition).Length, TimeIndexFiles().Length);
    }

    [Fact]
    public void A_write_that_failed_and_was_undone_leaves_no_timestamp_behind()
    {
        using var journal = OpenFilledSkewed();
        long largest = journal.LargestTimestamp;
        long end = journal.CommittedEndOffset;

        _files.FailWriteAfter(1);
        Assert.Throws<JournalWriteFailedException>(() => Journals.AppendAndCommit(journal, Stamped(T0 + 1_000_000)));

        Assert.Equal(largest, journal.LargestTimestamp);
        Assert.Equal(end, journal.OffsetForTimestamp(T0 + 1_000_000));
        Append(journal, T0 + 2_000);
        AssertAnswersEverywhere(journal);
    }

    [Fact]
    public void Uncommitted_batches_are_not_found()
    {
        using var journal = Open();
        Append(journal, T0);
        journal.Append(Stamped(T0 + 100));
        Assert.Equal(1, journal.OffsetForTimestamp(T0 + 50));
        Assert.Equal(T0, journal.LargestTimestamp);
    }
}
