using FastBroker.Server.Journal;
using FastBroker.Server.Journal.Internal;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Journal;

public sealed class RetentionTests : IDisposable
{
    private const long T0 = 1_700_000_000_000;
    private const long Minute = 60_000;

    private readonly JournalDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(T0));
    private readonly CapturingLogger _logger = new();
    private readonly FlakyFileFactory _files = new();

    public void Dispose() => _temp.Dispose();

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private PartitionJournal Open() => Journals.Open(_temp.Partition, new JournalOptions { SegmentBytes = 2048, IndexIntervalBytes = 256, FileFactory = _files }, _time, _logger);

    private static byte[] Stamped(long timestamp, int records = 3)
    {
        using var builder = new RecordBatchBuilder();
        for (int i = 0; i < records; i++) builder.Append(timestamp, hasKey: false, default, default, new byte[100]);
        return builder.Seal().ToArray();
    }

    // One batch a minute for `batches` minutes, stamped with the clock, which ends at the last batch's time.
    private PartitionJournal OpenFilled(int batches = 20)
    {
        var journal = Open();
        for (int i = 0; i < batches; i++)
        {
            if (i > 0) _time.Advance(TimeSpan.FromMinutes(1));
            Journals.AppendAndCommit(journal, Stamped(Now));
        }
        Assert.True(journal.SegmentCount >= 5, "the test needs several segments");
        return journal;
    }

    private long[] Bases() => Journals.SegmentFiles(_temp.Partition).Select(f => long.Parse(f[..20])).ToArray();

    // Largest timestamp of each segment, from what the test wrote: batches are 3 records, one a minute from T0.
    private static long LargestBefore(long nextBase) => T0 + (nextBase - 1) / 3 * Minute;

    private CheckpointRecord LatestCheckpoint()
    {
        using var file = CheckpointFile.Open(SegmentFileFactory.Instance, Path.GetFullPath(_temp.Partition));
        return Assert.NotNull(file.Latest);
    }

    [Fact]
    public void Without_limits_nothing_is_deleted()
    {
        using var journal = OpenFilled();
        int segments = journal.SegmentCount;
        _time.Advance(TimeSpan.FromDays(365));
        Assert.Equal(0, journal.DeleteExpiredSegments(Now, 0, 0));
        Assert.Equal(0, journal.DeleteExpiredSegments(Now, -1, -5));
        Assert.Equal(segments, journal.SegmentCount);
    }

    [Fact]
    public void By_age_exactly_the_segments_whose_newest_record_is_older_than_the_limit_go()
    {
        using var journal = OpenFilled();
        var bases = Bases();
        // Ten minutes back from the end: every segment whose last batch is older than that.
        long maxAge = 10 * Minute;
        int expired = 0;
        while (expired < bases.Length - 1 && LargestBefore(bases[expired + 1]) < Now - maxAge) expired++;
        Assert.InRange(expired, 1, bases.Length - 2);

        long start = journal.DeleteExpiredSegments(Now, maxAge, 0);

        Assert.Equal(bases[expired], start);
        Assert.Equal(start, journal.StartOffset);
        Assert.Equal(bases[expired..], Bases());
        Assert.All(bases[..expired], b => Assert.False(File.Exists(_temp.File($"{b:D20}.tix")) || File.Exists(_temp.File($"{b:D20}.idx"))));
        Assert.Contains(_logger.Entries, e => e.Message.Contains("retention by age"));
        Assert.Equal(start, journal.OffsetForTimestamp(T0));
        Assert.Equal(start, Journals.ReadAll(journal, start)[0].BaseOffset);

        // The same call again finds nothing more until the clock moves.
        Assert.Equal(start, journal.DeleteExpiredSegments(Now, maxAge, 0));
        _time.Advance(TimeSpan.FromMinutes(3));
        Assert.True(journal.DeleteExpiredSegments(Now, maxAge, 0) > start);
    }

    [Fact]
    public void The_active_segment_stays_however_old()
    {
        using var journal = OpenFilled();
        var bases = Bases();
        _time.Advance(TimeSpan.FromDays(30));

        Assert.Equal(bases[^1], journal.DeleteExpiredSegments(Now, Minute, 1));

        Assert.Equal(1, journal.SegmentCount);
        Assert.Equal([bases[^1]], Bases());
        Assert.Equal(20 * 3, journal.CommittedEndOffset);
        Assert.Equal(20 * 3, Journals.AppendAndCommit(journal, Stamped(Now)));
    }

    [Fact]
    public void By_size_the_oldest_segments_go_until_the_partition_fits_and_not_one_more()
    {
        using var journal = OpenFilled();
        var bases = Bases();
        var sizes = bases.Select(b => new FileInfo(Journals.SegmentPath(_temp.Partition, b)).Length).ToArray();
        Assert.Equal(sizes.Sum(), journal.SizeBytes);
        long limit = journal.SizeBytes / 2;
        int count = 0;
        for (long remaining = sizes.Sum(); remaining > limit; remaining -= sizes[count]) count++;

        long start = journal.DeleteExpiredSegments(Now, 0, limit);

        Assert.Equal(bases[count], start);
        Assert.True(journal.SizeBytes <= limit, $"{journal.SizeBytes} bytes left, limit {limit}");
        Assert.True(journal.SizeBytes + sizes[count - 1] > limit, "one segment too many went");
        Assert.Contains(_logger.Entries, e => e.Message.Contains("retention by size"));
    }

    [Fact]
    public void Both_limits_delete_what_either_asks_for()
    {
        using var journal = OpenFilled();
        var bases = Bases();
        long byAge, bySize;

        // Where age alone and size alone would start the log, worked out from the segment files.
        long maxAge = 15 * Minute;
        int ageCount = 0;
        while (ageCount < bases.Length - 1 && LargestBefore(bases[ageCount + 1]) < Now - maxAge) ageCount++;
        byAge = bases[ageCount];
        long limit = journal.SizeBytes / 3;
        long remaining = journal.SizeBytes;
        int sizeCount = 0;
        while (sizeCount < bases.Length - 1 && remaining > limit)
        {
            remaining -= new FileInfo(Journals.SegmentPath(_temp.Partition, bases[sizeCount])).Length;
            sizeCount++;
        }
        bySize = bases[sizeCount];
        Assert.NotEqual(byAge, bySize);

        Assert.Equal(Math.Max(byAge, bySize), journal.DeleteExpiredSegments(Now, maxAge, limit));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_new_start_is_durable_across_a_reopen(bool crash)
    {
        long start, end;
        var journal = OpenFilled();
        try
        {
            start = journal.DeleteExpiredSegments(Now, 10 * Minute, 0);
            end = journal.CommittedEndOffset;
        }
        finally
        {
            if (crash) journal.CloseAbruptly();
            else journal.Dispose();
        }
        Assert.True(start > 0);
        Assert.Equal(start, LatestCheckpoint().StartOffset);

        using var reopened = Open();
        Assert.Equal(start, reopened.StartOffset);
        Assert.Equal(end, reopened.CommittedEndOffset);
        Assert.Equal(start, reopened.OffsetForTimestamp(long.MinValue));
    }

    [Fact]
    public void Retention_and_the_acknowledged_trim_only_ever_move_the_start_up()
    {
        using var journal = OpenFilled();
        var bases = Bases();

        Assert.Equal(bases[3], journal.DeleteSegmentsBefore(bases[3]));
        // Retention that would stop earlier deletes nothing and keeps the start.
        Assert.Equal(bases[3], journal.DeleteExpiredSegments(Now, 100 * Minute, 0));
        long afterRetention = journal.DeleteExpiredSegments(Now, 3 * Minute, 0);
        Assert.True(afterRetention > bases[3]);
        // An ack floor below the start deletes nothing.
        Assert.Equal(afterRetention, journal.DeleteSegmentsBefore(bases[2]));
        Assert.Equal(afterRetention, journal.StartOffset);
        Assert.Contains(_logger.Entries, e => e.Message.Contains("acknowledged by every subscription"));
        Assert.Contains(_logger.Entries, e => e.Message.Contains("retention by age"));
    }

    [Fact]
    public void A_failing_unlink_does_not_fail_the_journal_and_the_next_open_finishes_it()
    {
        var journal = OpenFilled();
        var bases = Bases();
        _files.FailDeletes = true;
        long start = journal.DeleteExpiredSegments(Now, 10 * Minute, 0);
        _files.FailDeletes = false;

        Assert.True(start > 0);
        Assert.Equal(start, journal.StartOffset);
        Assert.Null(journal.WriteFailure);
        Assert.Contains(_logger.Entries, e => e.Message.Contains("Could not delete"));
        Assert.True(File.Exists(Journals.SegmentPath(_temp.Partition, bases[0])));
        Journals.AppendAndCommit(journal, Stamped(Now));
        var kept = Bases().Where(b => b >= start).ToArray();
        journal.Dispose();

        using var reopened = Open();
        Assert.Equal(start, reopened.StartOffset);
        Assert.Equal(kept, Bases());
        Assert.False(File.Exists(_temp.File($"{bases[0]:D20}.tix")));
    }

    [Fact]
    public void A_failing_checkpoint_write_deletes_nothing_and_fails_the_journal()
    {
        using var journal = OpenFilled();
        var files = Directory.GetFiles(_temp.Partition).Order().ToArray();
        _files.FailWriteAfter(1);

        Assert.Throws<JournalFailedException>(() => journal.DeleteExpiredSegments(Now, Minute, 0));

        Assert.Equal(0, journal.StartOffset);
        Assert.Equal(files, Directory.GetFiles(_temp.Partition).Order().ToArray());
    }
}
