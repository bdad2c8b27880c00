using System.Collections.Concurrent;
using FastBroker.Server.Journal;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Topics.Producers;

public sealed class IdempotentPartitionTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"fb-idempotent-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private Partition Open(JournalOptions? options = null)
        => Partition.Open("t", 0, _dir, options ?? new JournalOptions(), NullLogger.Instance, _time);

    private static byte[] Batch(long producerId, short epoch, int baseSequence, int records = 2)
    {
        using var builder = new RecordBatchBuilder();
        for (int i = 0; i < records; i++)
            builder.Append(1_700_000_000_000 + i, false, default, default, [(byte)i]);
        return builder.Seal(producerId, epoch, baseSequence).ToArray();
    }

    private static async Task<(long Offset, ErrorCode Code)> PublishAsync(Partition partition, byte[] batch)
    {
        var origin = new Completion();
        byte[] rented = BatchBuffers.Pool.Rent(batch.Length);
        batch.CopyTo(rented, 0);
        Assert.True(partition.TryEnqueue(new AppendRequest(origin, 1, rented, batch.Length)));
        return await origin.Done.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static long End(Partition partition)
    {
        Assert.True(partition.TryGetJournal(out var journal, out _));
        return journal.CommittedEndOffset;
    }

    [Fact]
    public async Task A_duplicate_is_answered_with_the_original_offset_and_stores_nothing()
    {
        await using var partition = Open();
        Assert.Equal((0L, ErrorCode.None), await PublishAsync(partition, Batch(-1, -1, -1)));
        Assert.Equal((2L, ErrorCode.None), await PublishAsync(partition, Batch(7, 0, 0)));

        var again = await PublishAsync(partition, Batch(7, 0, 0));
        var gap = await PublishAsync(partition, Batch(7, 0, 5));

        Assert.Equal((2L, ErrorCode.None), again);
        Assert.Equal(ErrorCode.OutOfOrderSequence, gap.Code);
        Assert.Equal(4, End(partition));
    }

    [Fact]
    public async Task Many_batches_of_one_producer_queued_together_are_stored_in_order_once()
    {
        await using var partition = Open();
        var origin = new Completion(expected: 40);
        for (int i = 0; i < 40; i++)
        {
            // Each batch twice in a row: the second is a duplicate whether or not both land in one group.
            byte[] batch = Batch(7, 0, (i / 2) * 2);
            byte[] rented = BatchBuffers.Pool.Rent(batch.Length);
            batch.CopyTo(rented, 0);
            Assert.True(partition.TryEnqueue(new AppendRequest(origin, (uint)i, rented, batch.Length)));
        }
        var results = await origin.All.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results, r => Assert.Equal(ErrorCode.None, r.Code));
        Assert.All(results, r => Assert.Equal((r.Id / 2) * 2L, r.Offset));
        Assert.Equal(40, End(partition));
    }

    [Fact]
    public async Task State_is_rebuilt_from_the_log_when_the_partition_opens_again()
    {
        await using (var partition = Open())
        {
            await PublishAsync(partition, Batch(7, 0, 0));
            await PublishAsync(partition, Batch(7, 0, 2));
            await PublishAsync(partition, Batch(8, 3, 10));
        }

        await using var reopened = Open();
        Assert.Equal((2L, ErrorCode.None), await PublishAsync(reopened, Batch(7, 0, 2)));
        Assert.Equal((4L, ErrorCode.None), await PublishAsync(reopened, Batch(8, 3, 10)));
        Assert.Equal(ErrorCode.ProducerFenced, (await PublishAsync(reopened, Batch(8, 2, 12))).Code);
        Assert.Equal(ErrorCode.OutOfOrderSequence, (await PublishAsync(reopened, Batch(7, 0, 6))).Code);
        Assert.Equal((6L, ErrorCode.None), await PublishAsync(reopened, Batch(7, 0, 4)));
    }

    [Fact]
    public async Task Only_the_newest_segments_up_to_the_scan_limit_are_read_back()
    {
        // Tiny segments: each holds about one batch, and the scan covers only the active one.
        var options = new JournalOptions { SegmentBytes = 200, ProducerStateScanBytes = 1 };
        await using (var partition = Open(options))
        {
            await PublishAsync(partition, Batch(7, 0, 0));
            await PublishAsync(partition, Batch(8, 0, 0));
        }

        await using var reopened = Open(options);
        Assert.Null(reopened.Producers.Find(7));
        Assert.NotNull(reopened.Producers.Find(8));
    }

    [Fact]
    public async Task A_producer_idle_past_the_expiry_is_forgotten_and_its_old_batch_is_stored_again()
    {
        await using var partition = Open(new JournalOptions { ProducerStateExpiry = TimeSpan.FromMinutes(5) });
        Assert.Equal(0, (await PublishAsync(partition, Batch(7, 0, 0))).Offset);

        _time.Advance(TimeSpan.FromMinutes(6));
        await PublishAsync(partition, Batch(-1, -1, -1)); // the writer sweeps after this group

        Assert.Null(partition.Producers.Find(7));
        Assert.Equal(4, (await PublishAsync(partition, Batch(7, 0, 0))).Offset);
    }

    private sealed class Completion(int expected = 1) : IPublishCompletion
    {
        private readonly ConcurrentQueue<(uint Id, long Offset, ErrorCode Code)> _results = new();
        private readonly TaskCompletionSource<List<(uint Id, long Offset, ErrorCode Code)>> _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<List<(uint Id, long Offset, ErrorCode Code)>> All => _all.Task;

        public Task<(long Offset, ErrorCode Code)> Done => All.ContinueWith(t => (t.Result[0].Offset, t.Result[0].Code), TaskScheduler.Default);

        public void PublishSucceeded(uint requestId, long baseOffset, int batchBytes) => Add((requestId, baseOffset, ErrorCode.None));

        public void PublishFailed(uint requestId, ErrorCode code, string message, int batchBytes) => Add((requestId, -1, code));

        private void Add((uint, long, ErrorCode) result)
        {
            _results.Enqueue(result);
            if (_results.Count == expected) _all.TrySetResult([.. _results]);
        }
    }
}
