using FastBroker.Server.Journal;
using FastBroker.Server.Positions;
using FastBroker.Server.Tests.Journal;
using FastBroker.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastBroker.Server.Tests.Positions;

public sealed class PositionStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"fb-positions-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private PositionStore Open(ILogger? logger = null) => PositionStore.Open(_dir, FsyncPolicy.Always, logger ?? NullLogger.Instance);

    private static async Task CommitAsync(PositionStore store, string group, string topic, int partition, long offset)
        => Assert.Null(await PositionWaiter.CommitAsync(store, new PositionKey(group, topic, partition), offset));

    [Fact]
    public async Task Committed_positions_survive_reopen_and_the_latest_wins()
    {
        await using (var store = Open())
        {
            await CommitAsync(store, "g", "orders", 0, 10);
            await CommitAsync(store, "g", "orders", 0, 25);
            await CommitAsync(store, "g", "orders", 1, 3);
            await CommitAsync(store, "other", "orders", 0, 7);
        }
        await using var reopened = Open();
        Assert.True(reopened.TryGet(new PositionKey("g", "orders", 0), out long a));
        Assert.Equal(25, a);
        Assert.True(reopened.TryGet(new PositionKey("g", "orders", 1), out long b));
        Assert.Equal(3, b);
        Assert.True(reopened.TryGet(new PositionKey("other", "orders", 0), out long c));
        Assert.Equal(7, c);
        Assert.False(reopened.TryGet(new PositionKey("g", "missing", 0), out _));
    }

    [Fact]
    public async Task A_commit_is_visible_once_it_is_answered_and_commits_queued_together_share_a_group()
    {
        await using var store = Open();
        var waiters = new List<Task<(ErrorCode, string)?>>();
        for (int i = 0; i < 50; i++)
            waiters.Add(PositionWaiter.CommitAsync(store, new PositionKey("g", "t", i % 5), i));
        var results = await Task.WhenAll(waiters);
        Assert.All(results, Assert.Null);
        for (int p = 0; p < 5; p++)
        {
            Assert.True(store.TryGet(new PositionKey("g", "t", p), out long offset));
            Assert.Equal(45 + p, offset);
        }
    }

    [Fact]
    public async Task A_torn_last_record_is_dropped_and_earlier_ones_kept()
    {
        await using (var store = Open())
        {
            await CommitAsync(store, "g", "t", 0, 5);
            await CommitAsync(store, "g", "t", 0, 6);
        }
        string path = Path.Combine(_dir, "positions.log");
        // Reopen compacted the file to one record per key; append a second and cut it in half.
        await using (var store = Open()) await CommitAsync(store, "g", "t", 0, 99);
        long full = new FileInfo(path).Length;
        using (var file = new FileStream(path, FileMode.Open)) file.SetLength(full - 5);

        await using var reopened = Open();
        Assert.True(reopened.TryGet(new PositionKey("g", "t", 0), out long offset));
        Assert.Equal(6, offset);
    }

    [Fact]
    public async Task A_flipped_bit_in_the_last_record_drops_only_that_record()
    {
        await using (var store = Open())
        {
            await CommitAsync(store, "g", "t", 0, 1);
        }
        await using (var store = Open()) await CommitAsync(store, "g", "t", 1, 2);
        string path = Path.Combine(_dir, "positions.log");
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        await using var reopened = Open();
        Assert.True(reopened.TryGet(new PositionKey("g", "t", 0), out long first));
        Assert.Equal(1, first);
        Assert.False(reopened.TryGet(new PositionKey("g", "t", 1), out _));
    }

    [Fact]
    public async Task Removing_a_topic_forgets_its_positions_durably()
    {
        await using (var store = Open())
        {
            await CommitAsync(store, "g", "gone", 0, 4);
            await CommitAsync(store, "g", "kept", 0, 8);
            store.RemoveTopic("gone");
            // Applied in order: once a later commit is answered, the removal is too.
            await CommitAsync(store, "g", "kept", 1, 9);
            Assert.False(store.TryGet(new PositionKey("g", "gone", 0), out _));
        }
        await using var reopened = Open();
        Assert.False(reopened.TryGet(new PositionKey("g", "gone", 0), out _));
        Assert.True(reopened.TryGet(new PositionKey("g", "kept", 0), out _));
        Assert.True(reopened.TryGet(new PositionKey("g", "kept", 1), out _));
    }

    [Fact]
    public async Task Removing_a_topic_with_a_completion_answers_once_its_positions_are_gone_whatever_the_fsync_policy()
    {
        await using (var store = PositionStore.Open(_dir, FsyncPolicy.Never, NullLogger.Instance))
        {
            await CommitAsync(store, "g", "gone", 0, 4);
            await CommitAsync(store, "g", "kept", 0, 8);
            var removed = new PositionWaiter();

            Assert.True(store.RemoveTopic("gone", removed, 3));

            Assert.Null(await removed.Done);
            Assert.False(store.TryGet(new PositionKey("g", "gone", 0), out _));
            Assert.True(store.TryGet(new PositionKey("g", "kept", 0), out _));
        }
        await using var reopened = Open();
        Assert.False(reopened.TryGet(new PositionKey("g", "gone", 0), out _));
    }

    [Fact]
    public async Task Opening_with_the_topics_that_exist_forgets_the_positions_of_the_others_durably()
    {
        await using (var store = Open())
        {
            // As if the broker crashed after deleting "gone" and before its positions were removed.
            await CommitAsync(store, "g", "gone", 0, 4);
            await CommitAsync(store, "h", "gone", 2, 5);
            await CommitAsync(store, "g", "kept", 0, 8);
        }
        await using (var store = PositionStore.Open(_dir, FsyncPolicy.Always, NullLogger.Instance, topicExists: t => t == "kept"))
        {
            Assert.False(store.TryGet(new PositionKey("g", "gone", 0), out _));
            Assert.False(store.TryGet(new PositionKey("h", "gone", 2), out _));
            Assert.True(store.TryGet(new PositionKey("g", "kept", 0), out long kept));
            Assert.Equal(8, kept);
        }
        // Durable: opened without the check, the forgotten positions stay forgotten.
        await using var reopened = Open();
        Assert.False(reopened.TryGet(new PositionKey("g", "gone", 0), out _));
        Assert.True(reopened.TryGet(new PositionKey("g", "kept", 0), out _));
    }

    [Fact]
    public async Task An_unexpected_failure_in_the_store_answers_every_commit_with_the_reason_and_logs_once()
    {
        var logger = new CapturingLogger();
        await using var store = Open(logger);
        await CommitAsync(store, "g", "t", 0, 1);
        store.Writer.FaultInjection = () => throw new InvalidOperationException("injected");

        var failed = await PositionWaiter.CommitAsync(store, new PositionKey("g", "t", 0), 2);
        Assert.NotNull(failed);
        Assert.Equal(ErrorCode.StorageError, failed.Value.Code);
        Assert.Contains("position store stopped after an unexpected error", failed.Value.Message);
        Assert.Equal(failed.Value.Message, store.Failure);
        Assert.True(store.TryGet(new PositionKey("g", "t", 0), out long kept));
        Assert.Equal(1, kept);

        var later = await PositionWaiter.CommitAsync(store, new PositionKey("g", "t", 1), 5);
        Assert.Equal(store.Failure, later!.Value.Message);
        Assert.Single(logger.Entries, e => e.Level >= LogLevel.Error);
    }
}
