using System.Collections.Concurrent;
using System.Text;
using FastBroker.Server.Journal;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Topics.Dedup;

public sealed class DedupPartitionTests : IDisposable
{
    private const long Start = 1_700_000_000_000;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"fb-dedup-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(Start));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private Partition Open(JournalOptions? options = null)
        => Partition.Open("t", 0, _dir, options ?? new JournalOptions { DedupWindow = TimeSpan.FromMinutes(10) }, NullLogger.Instance, _time);

    // One record per entry: its value is the text, and its id (null: no header) goes in fb-dedup-id.
    private byte[] Batch(params (string Value, string? Id)[] records) => Batch(-1, -1, -1, records);

    private byte[] Batch(long producerId, short epoch, int baseSequence, params (string Value, string? Id)[] records)
    {
        using var builder = new RecordBatchBuilder();
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (value, id) in records)
        {
            RecordHeader[] headers = id is null ? [new RecordHeader("other", "x"u8.ToArray())]
                : [new RecordHeader("other", "x"u8.ToArray()), new RecordHeader(DedupId.HeaderName, Encoding.UTF8.GetBytes(id))];
            builder.Append(now, false, default, headers, Encoding.UTF8.GetBytes(value));
        }
        return builder.Seal(producerId, epoch, baseSequence).ToArray();
    }

    private static async Task<Result> PublishAsync(Partition partition, byte[] batch)
    {
        var origin = new Completion();
        byte[] rented = BatchBuffers.Pool.Rent(batch.Length);
        batch.CopyTo(rented, 0);
        Assert.True(partition.TryEnqueue(new AppendRequest(origin, 0, rented, batch.Length)));
        return await origin.Done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    // Every stored record as (offset, value), checking each stored batch's CRC on the way.
    private static List<(long Offset, string Value)> Stored(Partition partition)
    {
        Assert.True(partition.TryGetJournal(out var journal, out _));
        var records = new List<(long, string)>();
        var buffer = new byte[1 << 20];
        long offset = journal.StartOffset;
        while (offset < journal.CommittedEndOffset)
        {
            var read = journal.Read(offset, buffer);
            Assert.True(read.BytesWritten > 0);
            var span = buffer.AsSpan(0, read.BytesWritten);
            while (span.Length >= RecordBatchHeader.Size)
            {
                int length = RecordBatchHeader.Read(span).Length;
                Assert.True(RecordBatch.CrcMatches(span[..length]));
                var reader = new RecordBatchReader(span[..length]);
                while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
                {
                    if (record.Offset >= offset) records.Add((record.Offset, Encoding.UTF8.GetString(record.Value)));
                    offset = record.Offset + 1;
                }
                span = span[length..];
            }
        }
        return records;
    }

    [Fact]
    public async Task A_record_whose_id_was_stored_within_the_window_is_answered_with_the_original_offset_and_not_stored()
    {
        await using var partition = Open();
        var first = await PublishAsync(partition, Batch(("a", "id-1"), ("b", null), ("c", "id-2")));
        var second = await PublishAsync(partition, Batch(("a again", "id-1")));

        Assert.Equal(new Result(0, ErrorCode.None, []), first);
        Assert.Equal(-1, second.Offset);
        Assert.Equal([new PublishDuplicate(0, 0)], second.Duplicates);
        Assert.Equal([(0L, "a"), (1L, "b"), (2L, "c")], Stored(partition));
        Assert.Equal(1, partition.DuplicatesDropped);
    }

    [Fact]
    public async Task After_the_window_the_same_id_is_stored_again()
    {
        await using var partition = Open();
        await PublishAsync(partition, Batch(("a", "id-1")));
        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(-1, (await PublishAsync(partition, Batch(("a", "id-1")))).Offset);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var later = await PublishAsync(partition, Batch(("a later", "id-1")));

        Assert.Equal(new Result(1, ErrorCode.None, []), later);
        Assert.Equal(-1, (await PublishAsync(partition, Batch(("a", "id-1")))).Offset);
        Assert.Equal([(0L, "a"), (1L, "a later")], Stored(partition));
    }

    [Fact]
    public async Task A_batch_with_some_duplicates_stores_the_rest_as_one_consecutive_batch()
    {
        await using var partition = Open();
        await PublishAsync(partition, Batch(("x", "id-x"), ("y", "id-y")));

        var mixed = await PublishAsync(partition, Batch(("p", null), ("y2", "id-y"), ("q", "id-q"), ("x2", "id-x"), ("r", null)));

        Assert.Equal(2, mixed.Offset);
        Assert.Equal([new PublishDuplicate(1, 1), new PublishDuplicate(3, 0)], mixed.Duplicates);
        Assert.Equal([(0L, "x"), (1L, "y"), (2L, "p"), (3L, "q"), (4L, "r")], Stored(partition));
        // The id stored by the trimmed batch counts like any other.
        Assert.Equal([new PublishDuplicate(0, 3)], (await PublishAsync(partition, Batch(("q2", "id-q")))).Duplicates);
    }

    [Fact]
    public async Task The_same_id_twice_in_one_batch_stores_the_first()
    {
        await using var partition = Open();
        await PublishAsync(partition, Batch(("before", null)));

        var result = await PublishAsync(partition, Batch(("one", "same"), ("two", "same"), ("three", null), ("four", "same")));

        Assert.Equal(1, result.Offset);
        Assert.Equal([new PublishDuplicate(1, 1), new PublishDuplicate(3, 1)], result.Duplicates);
        Assert.Equal([(0L, "before"), (1L, "one"), (2L, "three")], Stored(partition));
    }

    [Fact]
    public async Task Batches_in_one_group_see_each_others_ids()
    {
        await using var partition = Open();
        var origin = new Completion(expected: 3);
        for (uint i = 0; i < 3; i++)
        {
            byte[] batch = Batch(($"v{i}", "shared"), ($"own{i}", $"own-{i}"));
            byte[] rented = BatchBuffers.Pool.Rent(batch.Length);
            batch.CopyTo(rented, 0);
            Assert.True(partition.TryEnqueue(new AppendRequest(origin, i, rented, batch.Length)));
        }
        await origin.Done.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([(0L, "v0"), (1L, "own0"), (2L, "own1"), (3L, "own2")], Stored(partition));
        Assert.Equal([new PublishDuplicate(0, 0)], origin.Results[1].Duplicates);
        Assert.Equal([new PublishDuplicate(0, 0)], origin.Results[2].Duplicates);
    }

    [Fact]
    public async Task An_empty_or_too_long_id_refuses_the_batch_and_remembers_none_of_its_ids()
    {
        await using var partition = Open();
        var empty = await PublishAsync(partition, Batch(("a", "ok-1"), ("b", "")));
        var tooLong = await PublishAsync(partition, Batch(("a", "ok-1"), ("b", new string('x', DedupId.MaxBytes + 1))));
        var longest = await PublishAsync(partition, Batch(("a", "ok-1"), ("b", new string('x', DedupId.MaxBytes))));

        Assert.Equal(ErrorCode.InvalidArgument, empty.Code);
        Assert.Equal(ErrorCode.InvalidArgument, tooLong.Code);
        Assert.Equal(new Result(0, ErrorCode.None, []), longest);
        Assert.Equal(2, Stored(partition).Count);
    }

    [Fact]
    public async Task With_the_window_off_ids_are_ignored()
    {
        await using var partition = Open(new JournalOptions { DedupWindow = TimeSpan.Zero });
        await PublishAsync(partition, Batch(("a", "id-1"), ("b", "")));
        var again = await PublishAsync(partition, Batch(("a", "id-1")));

        Assert.Equal(new Result(2, ErrorCode.None, []), again);
        Assert.Equal(3, Stored(partition).Count);
    }

    [Fact]
    public async Task At_the_id_cap_the_oldest_ids_are_forgotten_early()
    {
        await using var partition = Open(new JournalOptions { DedupWindow = TimeSpan.FromHours(1), DedupMaxIds = 3 });
        for (int i = 0; i < 4; i++)
            await PublishAsync(partition, Batch(($"v{i}", $"id-{i}")));

        Assert.Equal(3, partition.Dedup.Index.Count);
        Assert.Equal(1, partition.Dedup.Index.Evicted);
        Assert.Equal(4, (await PublishAsync(partition, Batch(("v0 again", "id-0")))).Offset);
        Assert.Equal(-1, (await PublishAsync(partition, Batch(("v3 again", "id-3")))).Offset);
    }

    [Fact]
    public async Task Ids_come_back_from_the_log_when_the_partition_opens_again()
    {
        await using (var partition = Open())
        {
            await PublishAsync(partition, Batch(("a", "id-a"), ("b", "id-b")));
            await PublishAsync(partition, Batch(("c", null), ("b2", "id-b"), ("d", "id-d")));
        }

        await using (var reopened = Open())
        {
            var again = await PublishAsync(reopened, Batch(("d", "id-d"), ("a", "id-a"), ("e", "id-e")));
            Assert.Equal(4, again.Offset);
            Assert.Equal([new PublishDuplicate(0, 3), new PublishDuplicate(1, 0)], again.Duplicates);
        }

        // Past the window (by the batches' timestamps) nothing is read back.
        _time.Advance(TimeSpan.FromMinutes(11));
        await using var later = Open();
        Assert.Equal(0, later.Dedup.Index.Count);
        Assert.Equal(5, (await PublishAsync(later, Batch(("a", "id-a")))).Offset);
    }

    [Fact]
    public async Task An_idempotent_batch_trimmed_of_duplicates_keeps_its_producer_sequence()
    {
        await using (var partition = Open())
        {
            await PublishAsync(partition, Batch(("a", "id-a")));
            var trimmed = await PublishAsync(partition, Batch(7, 0, 0, ("a", "id-a"), ("b", "id-b")));
            Assert.Equal(1, trimmed.Offset);
            var all = await PublishAsync(partition, Batch(7, 0, 2, ("a", "id-a"), ("b", "id-b")));
            Assert.Equal(-1, all.Offset);
            Assert.Equal(new Result(2, ErrorCode.None, []), await PublishAsync(partition, Batch(7, 0, 4, ("c", null))));
        }

        // The stored trimmed batch ends at the published last sequence, so the next batch follows on after a restart.
        await using var reopened = Open();
        Assert.Equal(new Result(3, ErrorCode.None, []), await PublishAsync(reopened, Batch(7, 0, 5, ("d", null))));
    }

    [Fact]
    public async Task A_dead_letter_copy_is_stored_whatever_its_id_and_its_id_is_not_remembered()
    {
        await using var partition = Open();
        await PublishAsync(partition, Batch(("a", "id-a")));
        var origin = new Completion();
        byte[] copy = Batch(("a copied", "id-a"), ("b copied", "id-b"));
        byte[] rented = BatchBuffers.Pool.Rent(copy.Length);
        copy.CopyTo(rented, 0);
        Assert.True(partition.TryEnqueue(new AppendRequest(origin, 0, rented, copy.Length, Deduplicate: false)));

        Assert.Equal(new Result(1, ErrorCode.None, []), await origin.Done.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(new Result(3, ErrorCode.None, []), await PublishAsync(partition, Batch(("b", "id-b"))));
        Assert.Equal(-1, (await PublishAsync(partition, Batch(("a", "id-a")))).Offset);
    }

    private sealed record Result(long Offset, ErrorCode Code, PublishDuplicate[] Duplicates)
    {
        public bool Equals(Result? other) => other is not null && Offset == other.Offset && Code == other.Code
            && Duplicates.SequenceEqual(other.Duplicates);

        public override int GetHashCode() => HashCode.Combine(Offset, Code);
    }

    private sealed class Completion(int expected = 1) : IPublishCompletion
    {
        private readonly ConcurrentDictionary<uint, Result> _results = new();

        public TaskCompletionSource<Result> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyDictionary<uint, Result> Results => _results;

        public void PublishSucceeded(uint requestId, long baseOffset, int batchBytes) => Add(requestId, new Result(baseOffset, ErrorCode.None, []));

        public void PublishDeduplicated(uint requestId, long baseOffset, PublishDuplicate[] duplicates, int batchBytes)
            => Add(requestId, new Result(baseOffset, ErrorCode.None, duplicates));

        public void PublishFailed(uint requestId, ErrorCode code, string message, int batchBytes) => Add(requestId, new Result(-1, code, []));

        private void Add(uint id, Result result)
        {
            _results[id] = result;
            if (_results.Count == expected) Done.TrySetResult(_results[0]);
        }
    }
}
