using System.Buffers;
using System.Collections.Concurrent;
using FastBroker.Server.Journal;
using FastBroker.Server.Tests.Journal;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Topics;

public sealed class PartitionTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"fb-partition-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private Partition Open(FlakyFileFactory files)
        => Partition.Open("t", 0, _dir, new JournalOptions { FileFactory = files }, NullLogger.Instance, new FakeTimeProvider());

    private static AppendRequest Request(RecordingCompletion origin, uint id, int records)
    {
        byte[] batch = TestBatches.Make(records);
        byte[] rented = BatchBuffers.Pool.Rent(batch.Length);
        batch.CopyTo(rented, 0);
        return new AppendRequest(origin, id, rented, batch.Length);
    }

    [Fact]
    public async Task Every_queued_publish_is_acknowledged_with_contiguous_offsets_in_queue_order()
    {
        var files = new FlakyFileFactory();
        await using var partition = Open(files);
        var origin = new RecordingCompletion(expected: 200);
        for (uint i = 0; i < 200; i++)
            Assert.True(partition.TryEnqueue(Request(origin, i, records: 3)));

        var results = await origin.AllDone.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, results.Count);
        foreach (var (id, offset, code, _) in results)
        {
            Assert.Equal(ErrorCode.None, code);
            Assert.Equal(id * 3L, offset);
        }
        Assert.True(partition.TryGetJournal(out var journal, out _));
        Assert.Equal(600, journal.CommittedEndOffset);
        // Group commit: never more syncs than acknowledgements, and fewer whenever publishes queued up together.
        Assert.True(files.SyncsOf(".log") <= 200);
    }

    [Fact]
    public async Task A_failed_fsync_fails_the_group_and_stops_writes_until_a_restart_while_reads_go_on()
    {
        var files = new FlakyFileFactory();
        await using var partition = Open(files);
        var first = new RecordingCompletion(expected: 1);
        Assert.True(partition.TryEnqueue(Request(first, 1, records: 2)));
        Assert.Equal(ErrorCode.None, (await first.AllDone.WaitAsync(TimeSpan.FromSeconds(30)))[0].Code);

        files.FailSyncs = true;
        var failing = new RecordingCompletion(expected: 1);
        Assert.True(partition.TryEnqueue(Request(failing, 2, records: 2)));
        var failed = (await failing.AllDone.WaitAsync(TimeSpan.FromSeconds(30)))[0];
        Assert.Equal(ErrorCode.StorageError, failed.Code);
        Assert.Contains("t/0", failed.Message);
        Assert.Contains("fsync failed", failed.Message);
        Assert.Contains("until the broker is restarted", failed.Message);
        Assert.Equal(failed.Message, partition.WriteFailure);
        Assert.Null(partition.Failure);

        files.FailSyncs = false;
        var later = new RecordingCompletion(expected: 1);
        Assert.True(partition.TryEnqueue(Request(later, 3, records: 1)));
        Assert.Equal(ErrorCode.PartitionUnavailable, (await later.AllDone.WaitAsync(TimeSpan.FromSeconds(30)))[0].Code);

        // What was acknowledged is still served.
        Assert.True(partition.TryGetJournal(out var journal, out _));
        Assert.Equal(2, journal.CommittedEndOffset);
        Assert.Single(Journals.ReadAll(journal, 0));
    }

    // The unit-level twin of the full-disk integration test: fill, refuse, read, free, publish again, restart.
    [Fact]
    public async Task A_full_disk_refuses_the_group_with_a_remedy_and_publishes_succeed_again_once_space_is_back()
    {
        var files = new FlakyFileFactory();
        await using (var partition = Open(files))
        {
            var before = new RecordingCompletion(expected: 1);
            partition.TryEnqueue(Request(before, 1, records: 2));
            Assert.Equal(ErrorCode.None, (await before.AllDone.WaitAsync(TimeSpan.FromSeconds(30)))[0].Code);

            files.DiskFull = true;
            var full = new RecordingCompletion(expected: 3);
            for (uint id = 2; id < 5; id++) partition.TryEnqueue(Request(full, id, records: 3));
            foreach (var result in await full.AllDone.WaitAsync(TimeSpan.FromSeconds(30)))
            {
                Assert.Equal(ErrorCode.StorageError, result.Code);
                Assert.Equal("no space left on device writing partition t/0; nothing of this batch was stored; free space and retry", result.Message);
            }
            Assert.Null(partition.WriteFailure);
            Assert.True(partition.TryGetJournal(out var journal, out _));
            Assert.Equal(2, journal.CommittedEndOffset);
            Assert.Single(Journals.ReadAll(journal, 0));

            files.DiskFull = false;
            var after = new RecordingCompletion(expected: 1);
            partition.TryEnqueue(Request(after, 5, records: 4));
            var done = (await after.AllDone.WaitAsync(TimeSpan.FromSeconds(30)))[0];
            Assert.Equal((ErrorCode.None, 2L), (done.Code, done.Offset));
        }

        await using var reopened = Open(new FlakyFileFactory());
        Assert.True(reopened.TryGetJournal(out var recovered, out _));
        Assert.Equal(6, recovered.CommittedEndOffset);
        Assert.Equal([(0L, 2), (2L, 4)], Journals.ReadAll(recovered, 0).Select(b => (b.BaseOffset, b.Records)));
    }

    [Fact]
    public async Task A_corrupt_partition_refuses_service_with_the_reason()
    {
        var files = new FlakyFileFactory();
        await using (var partition = Open(files))
        {
            var origin = new RecordingCompletion(expected: 2);
            partition.TryEnqueue(Request(origin, 1, records: 5));
            partition.TryEnqueue(Request(origin, 2, records: 5));
            await origin.AllDone.WaitAsync(TimeSpan.FromSeconds(30));
        }
        // Damage the first batch's payload: it is below the checkpoint written at close.
        Journals.FlipBit(Journals.SegmentPath(_dir, 0), Journals.SegmentHeaderBytes + 100);

        await using var reopened = Open(new FlakyFileFactory());
        Assert.False(reopened.TryGetJournal(out _, out string failure));
        Assert.Contains("refuses service", failure);
        Assert.Contains(".log", failure);
    }

    [Fact]
    public async Task An_unexpected_failure_in_the_writer_fails_its_publishes_and_refuses_later_ones_with_the_reason()
    {
        await using var partition = Open(new FlakyFileFactory());
        partition.Writer.FaultInjection = () => throw new InvalidOperationException("injected");
        var origin = new RecordingCompletion(expected: 2);
        Assert.True(partition.TryEnqueue(Request(origin, 1, records: 2)));
        Assert.True(partition.TryEnqueue(Request(origin, 2, records: 2)));

        var results = await origin.AllDone.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(results, r => Assert.Equal(ErrorCode.StorageError, r.Code));
        Assert.All(origin.Messages, m => Assert.Contains("partition t/0 writer stopped after an unexpected error", m));
        Assert.NotNull(partition.WriteFailure);
        Assert.Contains("injected", partition.WriteFailure);

        // Acknowledged data stays readable; nothing of the failed group was committed.
        Assert.True(partition.TryGetJournal(out var journal, out _));
        Assert.Equal(0, journal.CommittedEndOffset);
    }

    [Fact]
    public async Task Under_an_interval_policy_written_data_is_synced_once_the_interval_passes_and_an_idle_partition_is_left_alone()
    {
        var files = new FlakyFileFactory();
        var time = new FakeTimeProvider();
        var options = new JournalOptions { FileFactory = files, Fsync = FsyncPolicy.EveryInterval(TimeSpan.FromMilliseconds(100)) };
        await using var partition = Partition.Open("t", 0, _dir, options, NullLogger.Instance, time);
        int syncsAtOpen = files.SyncsOf(".log");

        // Idle: the clock moves, nothing is due, nothing is synced.
        time.Advance(TimeSpan.FromSeconds(1));
        var origin = new RecordingCompletion(expected: 1);
        Assert.True(partition.TryEnqueue(Request(origin, 1, records: 2)));
        Assert.Equal(ErrorCode.None, (await origin.AllDone.WaitAsync(TimeSpan.FromSeconds(30)))[0].Code);
        Assert.Equal(syncsAtOpen, files.SyncsOf(".log"));

        time.Advance(TimeSpan.FromMilliseconds(100));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (files.SyncsOf(".log") == syncsAtOpen)
        {
            Assert.True(DateTime.UtcNow < deadline, "the interval sync never came");
            await Task.Delay(10);
        }
        Assert.Equal(syncsAtOpen + 1, files.SyncsOf(".log"));
    }

    private sealed class RecordingCompletion(int expected) : IPublishCompletion
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        private readonly ConcurrentQueue<(uint Id, long Offset, ErrorCode Code, string Message)> _results = new();
        private readonly TaskCompletionSource<List<(uint Id, long Offset, ErrorCode Code, string Message)>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<List<(uint Id, long Offset, ErrorCode Code, string Message)>> AllDone => _done.Task;

        public void PublishSucceeded(uint requestId, long baseOffset, int batchBytes) => Add((requestId, baseOffset, ErrorCode.None, ""));

        public void PublishFailed(uint requestId, ErrorCode code, string message, int batchBytes)
        {
            Messages.Enqueue(message);
            Add((requestId, -1, code, message));
        }

        private void Add((uint, long, ErrorCode, string) result)
        {
            _results.Enqueue(result);
            if (_results.Count == expected) _done.TrySetResult([.. _results]);
        }
    }
}
