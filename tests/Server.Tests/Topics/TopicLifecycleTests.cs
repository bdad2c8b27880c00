using FastBroker.Server.Journal;
using FastBroker.Server.Tests.Journal;
using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Topics;

/// <summary>What the registry promises whoever attaches to its topics (<see cref="ITopicLifecycle"/>): when a topic is
/// opened and closed, and what still works at that moment.</summary>
public sealed class TopicLifecycleTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _data = new("topics");
    private readonly PublishWaiter _publisher = new();

    public void Dispose() => _data.Dispose();

    private TopicRegistry Open() => TopicRegistry.Open(_data.Path, new JournalOptions(), NullLogger.Instance, new FakeTimeProvider());

    private async Task<long> AppendAsync(Partition partition, string value)
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(0, hasKey: false, default, default, System.Text.Encoding.UTF8.GetBytes(value));
        var batch = builder.Seal();
        byte[] buffer = BatchBuffers.Pool.Rent(batch.Length);
        batch.Span.CopyTo(buffer);
        var (id, done) = _publisher.Expect();
        Assert.True(partition.TryEnqueue(new AppendRequest(_publisher, id, buffer, batch.Length)), $"partition {partition.Topic}/{partition.Index} refused the append");
        return await done.WaitAsync(Patience);
    }

    [Fact]
    public async Task Attach_opens_every_stored_topic_once_all_are_loaded_with_their_partitions_recovered()
    {
        await using (var first = Open())
        {
            var (_, _, alpha) = await first.CreateAsync("alpha", 2);
            await first.CreateAsync("omega", 1);
            await AppendAsync(alpha!.Partitions[1], "kept");
        }
        await using var registry = Open();
        var seen = new List<string>();
        var lifecycle = new RecordingLifecycle
        {
            OnOpened = topic =>
            {
                // One topic's attachments may look for any other (a dead-letter topic): all are served already.
                Assert.True(registry.TryGet("alpha", out _));
                Assert.True(registry.TryGet("omega", out _));
                foreach (var partition in topic.Partitions)
                    Assert.True(partition.TryGetJournal(out _, out string failure), failure);
                if (topic.Name == "alpha")
                {
                    Assert.True(topic.Partitions[1].TryGetJournal(out var journal, out _));
                    Assert.Equal(1, journal.CommittedEndOffset);
                }
                seen.Add(topic.Name);
            },
        };

        registry.Attach(lifecycle);

        Assert.Equal(["alpha", "omega"], seen.Order());
        Assert.Equal(["opened alpha", "opened omega"], lifecycle.Events.Order());
    }

    [Fact]
    public async Task A_topic_created_after_attach_is_opened_once_it_is_durable_and_before_anyone_can_find_it()
    {
        await using var registry = Open();
        var lifecycle = new RecordingLifecycle
        {
            OnOpened = topic =>
            {
                Assert.False(registry.TryGet(topic.Name, out _));
                Assert.True(File.Exists(Path.Combine(topic.Directory, "topic.meta")));
            },
        };
        registry.Attach(lifecycle);

        var (code, message, created) = await registry.CreateAsync("late", 3);

        Assert.True(code == ErrorCode.None, message);
        Assert.Equal(["opened late"], lifecycle.Events);
        Assert.True(registry.TryGet("late", out var found));
        Assert.Same(created, found);
    }

    [Fact]
    public async Task Topics_created_before_attach_are_opened_by_it_and_topics_deleted_before_are_not()
    {
        await using var registry = Open();
        await registry.CreateAsync("early", 1);
        await registry.CreateAsync("gone", 1);
        Assert.Equal(ErrorCode.None, (await registry.DeleteAsync("gone")).Code);
        var lifecycle = new RecordingLifecycle();

        registry.Attach(lifecycle);

        Assert.Equal(["opened early"], lifecycle.Events);
        Assert.Throws<InvalidOperationException>(() => registry.Attach(new RecordingLifecycle()));
    }

    [Fact]
    public async Task Delete_closes_the_topic_once_it_is_marked_deleted_while_its_partitions_still_take_appends()
    {
        await using var registry = Open();
        long appendedWhileClosing = -1;
        bool deleting = false;
        var lifecycle = new RecordingLifecycle
        {
            OnClosing = async topic =>
            {
                if (!deleting) return; // the dispose at the end
                Assert.True(topic.Deleted);
                Assert.False(registry.TryGet(topic.Name, out _));
                appendedWhileClosing = await AppendAsync(topic.Partitions[0], "a move under way");
            },
        };
        registry.Attach(lifecycle);
        var (_, _, doomed) = await registry.CreateAsync("doomed", 1);

        deleting = true;
        Assert.Equal(ErrorCode.None, (await registry.DeleteAsync("doomed")).Code);
        deleting = false;

        Assert.Equal(["opened doomed", "closing doomed"], lifecycle.Events);
        Assert.Equal(0, appendedWhileClosing);
        Assert.False(doomed!.Partitions[0].TryEnqueue(new AppendRequest(_publisher, 99, [], 0)));

        // The name again is another topic: opened afresh, nothing of the old one attached to it.
        var (_, _, again) = await registry.CreateAsync("doomed", 1);
        Assert.NotSame(doomed, again);
        Assert.NotEqual(doomed.Id, again!.Id);
        Assert.Equal(["opened doomed", "closing doomed", "opened doomed"], lifecycle.Events);
    }

    [Fact]
    public async Task Dispose_closes_every_topic_before_any_partition_stops()
    {
        var registry = Open();
        var appended = new List<long>();
        var lifecycle = new RecordingLifecycle
        {
            // Like a dead-letter move: closing one topic may still append to another.
            OnClosing = async topic =>
            {
                Assert.True(registry.TryGet(topic.Name == "source" ? "target" : "source", out var other));
                appended.Add(await AppendAsync(other.Partitions[0], $"from {topic.Name}"));
            },
        };
        registry.Attach(lifecycle);
        await registry.CreateAsync("source", 1);
        await registry.CreateAsync("target", 1);

        await registry.DisposeAsync();

        Assert.Equal(["closing source", "closing target", "opened source", "opened target"], lifecycle.Events.Order());
        Assert.Equal([0L, 0L], appended);
    }

    [Fact]
    public async Task A_create_whose_attachment_hits_a_storage_error_answers_StorageError_and_keeps_nothing()
    {
        await using var registry = Open();
        bool full = true;
        var lifecycle = new RecordingLifecycle
        {
            OnOpened = _ =>
            {
                if (full) throw new IOException("No space left on device");
            },
        };
        registry.Attach(lifecycle);

        var (code, message, topic) = await registry.CreateAsync("orders", 2);

        Assert.Equal(ErrorCode.StorageError, code);
        Assert.Contains("No space left on device", message);
        Assert.Null(topic);
        Assert.False(registry.TryGet("orders", out _));
        Assert.False(Directory.Exists(Path.Combine(_data.Path, "topics", "orders")));

        full = false;
        Assert.Equal(ErrorCode.None, (await registry.CreateAsync("orders", 2)).Code);
    }

    /// <summary>Records each call ("opened x", "closing x") and runs the test's checks inside it.</summary>
    private sealed class RecordingLifecycle : ITopicLifecycle
    {
        private readonly List<string> _events = [];

        public Action<Topic>? OnOpened { get; init; }
        public Func<Topic, Task>? OnClosing { get; init; }

        public List<string> Events
        {
            get
            {
                lock (_events) return [.. _events];
            }
        }

        void ITopicLifecycle.Opened(Topic topic)
        {
            lock (_events) _events.Add($"opened {topic.Name}");
            OnOpened?.Invoke(topic);
        }

        async ValueTask ITopicLifecycle.ClosingAsync(Topic topic)
        {
            lock (_events) _events.Add($"closing {topic.Name}");
            if (OnClosing is not null) await OnClosing(topic);
        }
    }
}
