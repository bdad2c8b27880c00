using FastBroker.Server.Journal;
using FastBroker.Server.Tests.Journal;
using FastBroker.Server.Topics;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Topics;

public sealed class PartitionRetentionTests : IDisposable
{
    private const long T0 = 1_700_000_000_000;

    private readonly JournalDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(T0));

    public void Dispose() => _temp.Dispose();

    private JournalOptions Options => new() { SegmentBytes = 2048, IndexIntervalBytes = 256, RetentionCheckInterval = TimeSpan.FromSeconds(5) };

    // A partition whose journal holds 20 batches stamped one a minute, ending at the clock's time, in several segments.
    private Partition OpenFilled()
    {
        using (var journal = Journals.Open(_temp.Partition, Options, _time))
        {
            for (int i = 0; i < 20; i++)
            {
                if (i > 0) _time.Advance(TimeSpan.FromMinutes(1));
                using var builder = new RecordBatchBuilder();
                for (int r = 0; r < 3; r++) builder.Append(_time.GetUtcNow().ToUnixTimeMilliseconds(), false, default, default, new byte[100]);
                Journals.AppendAndCommit(journal, builder.Seal().ToArray());
            }
            Assert.True(journal.SegmentCount >= 5);
        }
        return Partition.Open("t", 0, _temp.Partition, Options, NullLogger.Instance, _time);
    }

    private static async Task<long> StartOffsetMovesPast(Partition partition, long start)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (partition.StartOffset <= start)
        {
            Assert.True(DateTime.UtcNow < deadline, "the retention check never deleted anything");
            await Task.Delay(10);
        }
        return partition.StartOffset;
    }

    [Fact]
    public async Task Setting_retention_checks_at_once_and_deletes_expired_segments_without_publishes()
    {
        await using var partition = OpenFilled();
        Assert.Equal(0, partition.StartOffset);

        partition.SetRetention(maxAgeMs: 5 * 60_000, maxBytes: 0);

        long start = await StartOffsetMovesPast(partition, 0);
        Assert.True(partition.TryGetJournal(out var journal, out _));
        Assert.True(journal.SegmentCount > 1, "only what is older than five minutes goes");
        Assert.Equal((5 * 60_000L, 0L), partition.Retention);
        Assert.Equal(start, journal.OffsetForTimestamp(long.MinValue));
    }

    [Fact]
    public async Task The_timer_deletes_segments_as_they_age()
    {
        await using var partition = OpenFilled();
        partition.SetRetention(maxAgeMs: 60 * 60_000, maxBytes: 0);
        Assert.True(partition.TryGetJournal(out var journal, out _));
        // Nothing is an hour old yet: the checks leave everything.
        long fired = partition.RetentionTimerFired;
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(fired + 1, partition.RetentionTimerFired);
        Assert.Equal(0, partition.StartOffset);

        _time.Advance(TimeSpan.FromMinutes(70));

        await StartOffsetMovesPast(partition, 0);
        Assert.Equal(1, journal.SegmentCount);
    }

    [Fact]
    public async Task Retention_by_size_applies_too()
    {
        await using var partition = OpenFilled();
        Assert.True(partition.TryGetJournal(out var journal, out _));
        long limit = journal.SizeBytes / 2;

        partition.SetRetention(maxAgeMs: 0, maxBytes: limit);

        await StartOffsetMovesPast(partition, 0);
        Assert.True(journal.SizeBytes <= limit);
    }

    [Fact]
    public async Task Turning_retention_off_stops_the_timer()
    {
        await using var partition = OpenFilled();
        partition.SetRetention(maxAgeMs: 60 * 60_000, maxBytes: 0);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(partition.RetentionTimerFired > 0);

        partition.SetRetention(0, 0);
        long fired = partition.RetentionTimerFired;
        _time.Advance(TimeSpan.FromHours(3));

        Assert.Equal(fired, partition.RetentionTimerFired);
        Assert.Equal((0L, 0L), partition.Retention);
        Assert.Equal(0, partition.StartOffset);
    }

    [Fact]
    public async Task A_partition_without_retention_has_no_timer()
    {
        await using var partition = OpenFilled();
        _time.Advance(TimeSpan.FromDays(3));
        Assert.Equal(0, partition.RetentionTimerFired);
        Assert.Equal(0, partition.StartOffset);
    }
}
