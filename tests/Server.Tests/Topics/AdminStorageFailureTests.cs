using FastBroker.Server.Journal;
using FastBroker.Server.Journal.Internal;
using FastBroker.Server.Subscriptions;
using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Topics;

/// <summary>Admin work that hits a storage error answers StorageError with the reason and leaves nothing half-made.</summary>
public sealed class AdminStorageFailureTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"fb-admin-{Guid.NewGuid():N}");
    private readonly ExhaustingFiles _files = new();

    public void Dispose()
    {
        if (File.Exists(Path.Combine(_data, "trash"))) File.Delete(Path.Combine(_data, "trash"));
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private TopicRegistry Open()
        => TopicRegistry.Open(_data, new JournalOptions { FileFactory = _files }, NullLogger.Instance, new FakeTimeProvider());

    [Fact]
    public async Task A_create_that_runs_out_of_descriptors_answers_StorageError_closes_what_it_opened_and_removes_the_directory()
    {
        await using var registry = Open();
        _files.Remaining = 7; // two files a partition: the fourth partition fails half way

        var (code, message, topic) = await registry.CreateAsync("wide", 10);

        Assert.Equal(ErrorCode.StorageError, code);
        Assert.Contains("could not create topic 'wide'", message);
        Assert.Contains("Too many open files", message);
        Assert.Contains("nothing was kept", message);
        Assert.Null(topic);
        Assert.Equal(0, _files.Open);
        Assert.False(Directory.Exists(Path.Combine(_data, "topics", "wide")));
        Assert.False(registry.TryGet("wide", out _));

        _files.Remaining = int.MaxValue;
        Assert.Equal(ErrorCode.None, (await registry.CreateAsync("wide", 10)).Code);
    }

    [Fact]
    public async Task A_directory_left_by_a_failed_create_is_replaced_but_one_holding_a_topic_is_not()
    {
        Directory.CreateDirectory(Path.Combine(_data, "topics", "leftover", "0"));
        File.WriteAllText(Path.Combine(_data, "topics", "leftover", "0", "junk"), "never acknowledged");
        Directory.CreateDirectory(Path.Combine(_data, "topics", "unloadable"));
        File.WriteAllText(Path.Combine(_data, "topics", "unloadable", "topic.meta"), "garbage");
        await using var registry = Open();

        Assert.Equal(ErrorCode.None, (await registry.CreateAsync("leftover", 1)).Code);
        Assert.False(File.Exists(Path.Combine(_data, "topics", "leftover", "0", "junk")));
        var (code, message, _) = await registry.CreateAsync("unloadable", 1);
        Assert.Equal(ErrorCode.StorageError, code);
        Assert.Contains("move it away", message);
        Assert.True(File.Exists(Path.Combine(_data, "topics", "unloadable", "topic.meta")));
    }

    [Fact]
    public async Task A_delete_that_cannot_use_the_trash_deletes_in_place_and_the_topic_stays_gone()
    {
        await using (var registry = Open())
        {
            Assert.Equal(ErrorCode.None, (await registry.CreateAsync("doomed", 2)).Code);
            File.WriteAllText(Path.Combine(_data, "trash"), "a file where the trash directory goes");

            var (code, message) = await registry.DeleteAsync("doomed");

            Assert.Equal(ErrorCode.None, code);
            Assert.Equal("", message);
            Assert.False(Directory.Exists(Path.Combine(_data, "topics", "doomed")));
        }
        File.Delete(Path.Combine(_data, "trash"));
        await using var reopened = Open();
        Assert.False(reopened.TryGet("doomed", out _));
    }

    [Fact]
    public async Task A_subscription_create_that_hits_a_storage_error_answers_StorageError_and_keeps_nothing()
    {
        await using var registry = Open();
        var subscriptions = SubscriptionRegistry.Open(registry, FsyncPolicy.Always, QueueLimits.Default, new FakeTimeProvider(), NullLogger.Instance);
        var (_, _, topic) = await registry.CreateAsync("orders", 1);
        Assert.True(subscriptions.TryGet(topic!, out var set));
        string blocker = Path.Combine(topic!.Directory, "subscriptions");
        File.WriteAllText(blocker, "a file where the subscriptions directory goes");

        var (code, message) = await set.CreateAsync("workers", QueueBroker.Settings());

        Assert.Equal(ErrorCode.StorageError, code);
        Assert.Contains("could not create subscription 'workers'", message);
        Assert.Equal(0, set.Count);
        File.Delete(blocker);
        Assert.Equal(ErrorCode.None, (await set.CreateAsync("workers", QueueBroker.Settings())).Code);
    }

    /// <summary>Real files, until the budget runs out: then Open fails as it does at the descriptor limit (EMFILE).</summary>
    private sealed class ExhaustingFiles : ISegmentFileFactory
    {
        private int _open;

        public int Remaining { get; set; } = int.MaxValue;

        public int Open => Volatile.Read(ref _open);

        ISegmentFile ISegmentFileFactory.Open(string path, FileMode mode, FileAccess access)
        {
            if (Remaining-- <= 0) throw new IOException($"Too many open files : '{path}'", 24);
            Interlocked.Increment(ref _open);
            return new Counted(this, SegmentFileFactory.Instance.Open(path, mode, access));
        }

        public void SyncDirectory(string directory) => SegmentFileFactory.Instance.SyncDirectory(directory);

        private sealed class Counted(ExhaustingFiles owner, ISegmentFile inner) : ISegmentFile
        {
            private int _disposed;

            public string FilePath => inner.FilePath;
            public long Length => inner.Length;
            public int Read(Span<byte> destination, long position) => inner.Read(destination, position);
            public void Write(ReadOnlySpan<byte> source, long position) => inner.Write(source, position);
            public void Write(IReadOnlyList<ReadOnlyMemory<byte>> buffers, long position) => inner.Write(buffers, position);
            public void Sync() => inner.Sync();
            public void SetLength(long length) => inner.SetLength(length);

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref owner._open);
                inner.Dispose();
            }
        }
    }
}
