using System.Text;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Testing;

namespace FastBroker.ClientLite.Tests;

/// <summary>A <see cref="TopicReader"/> with a group joins it: reads only what the broker assigns, heartbeats, gives
/// back what is asked back after committing it, rejoins, leaves on dispose (PROTOCOL.md 5.29-5.31).</summary>
public sealed class GroupReaderTests
{
    private sealed class Consumer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        public readonly List<(int Partition, long Offset, string Value)> Read = [];

        public Consumer(TopicReader reader, TimeSpan perMessage = default)
        {
            Reader = reader;
            _loop = Task.Run(async () =>
            {
                try
                {
                    await foreach (var message in reader.ReadAllAsync(_stop.Token))
                    {
                        lock (Read) Read.Add((message.Partition, message.Offset, Encoding.UTF8.GetString(message.Value.Span)));
                        // A slow consumer: one fetch answer takes long to hand out.
                        if (perMessage > TimeSpan.Zero) await Task.Delay(perMessage, _stop.Token);
                        await reader.CommitAsync(_stop.Token);
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                }
            });
        }

        public TopicReader Reader { get; }

        public int Count
        {
            get { lock (Read) return Read.Count; }
        }

        public async ValueTask StopAsync()
        {
            _stop.Cancel();
            await _loop;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            await Reader.DisposeAsync();
        }
    }

    private static void Publish(FakeBroker broker, int partitions, int each, string tag)
    {
        for (int p = 0; p < partitions; p++)
        {
            var values = new string[each];
            for (int i = 0; i < each; i++) values[i] = $"{tag}-p{p}-{i}";
            broker.Store.Append("t", p, TestBatches.Of(values));
        }
    }

    [Fact]
    public async Task Two_readers_split_the_partitions_and_read_every_message_once()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 4);
        Publish(broker, 4, 5, "a");
        var options = new TopicReaderOptions { Group = "g", MaxWait = TimeSpan.FromMilliseconds(50) };

        await using var first = new Consumer(new TopicReader(broker.Endpoint, "t", options));
        await Eventually.True(() => first.Count == 20, "the only member reads all 20 messages");
        Assert.Equal([0, 1, 2, 3], first.Reader.AssignedPartitions);

        await using var second = new Consumer(new TopicReader(broker.Endpoint, "t", options));
        await Eventually.True(() => second.Reader.AssignedPartitions.Count == 2 && first.Reader.AssignedPartitions.Count == 2,
            "the second member gets two partitions once the first gave them back");
        Assert.Empty(first.Reader.AssignedPartitions.Intersect(second.Reader.AssignedPartitions));
        Publish(broker, 4, 5, "b");
        await Eventually.True(() => first.Count + second.Count == 40, "the 20 new messages are read");

        var all = first.Read.Concat(second.Read).Select(m => m.Value).ToList();
        Assert.Equal(40, all.Distinct().Count());
        Assert.All(second.Read, m => Assert.Contains(m.Partition, second.Reader.AssignedPartitions));
        Assert.Equal(0, broker.Store.FencedCommits);
        Assert.NotEqual(first.Reader.MemberId, second.Reader.MemberId);
    }

    [Fact]
    public async Task A_reader_whose_session_ended_rejoins_as_a_new_member()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 2);
        await using var consumer = new Consumer(new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { Group = "g", MaxWait = TimeSpan.FromMilliseconds(50) }));
        await Eventually.True(() => consumer.Reader.MemberId is not null && consumer.Reader.AssignedPartitions.Count == 2, "joined");
        string old = consumer.Reader.MemberId!;
        broker.Store.ExpireMember(old);
        await Eventually.True(() => consumer.Reader.MemberId is { } now && now != old && broker.Store.Members.Contains(now), "rejoined");
        Publish(broker, 2, 1, "after");
        await Eventually.True(() => consumer.Count == 2, "reads on after rejoining");
    }

    [Fact]
    public async Task Dispose_leaves_the_group()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 2);
        var reader = new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { Group = "g" });
        await reader.StartAsync();
        Assert.Single(broker.Store.Members);
        await reader.DisposeAsync();
        Assert.Empty(broker.Store.Members);
    }

    [Fact]
    public async Task Explicit_partitions_keep_the_manual_positions_without_membership()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 2);
        await using var reader = new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { Group = "g", Partitions = [1] });
        await reader.StartAsync();
        Assert.Null(reader.MemberId);
        Assert.Empty(broker.Store.Members);
        Assert.Equal([1], reader.AssignedPartitions);
    }

    [Fact]
    public async Task A_broker_without_a_coordinator_is_read_whole_as_before()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 3);
        broker.Store.WithoutCoordinator = true;
        await using var reader = new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { Group = "g" });
        await reader.StartAsync();
        Assert.Null(reader.MemberId);
        Assert.Equal([0, 1, 2], reader.AssignedPartitions);
    }

    [Fact]
    public async Task AssignmentChanged_reports_the_partitions_given_back()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 2);
        var options = new TopicReaderOptions { Group = "g", MaxWait = TimeSpan.FromMilliseconds(50) };
        var reader = new TopicReader(broker.Endpoint, "t", options);
        var seen = new List<int[]>();
        reader.AssignmentChanged += partitions => { lock (seen) seen.Add([.. partitions]); };
        await using var first = new Consumer(reader);
        await Eventually.True(() => { lock (seen) return seen.Count >= 1; }, "first assignment reported");
        await using var second = new Consumer(new TopicReader(broker.Endpoint, "t", options));
        await Eventually.True(() => { lock (seen) return seen.Any(s => s.Length == 1); }, "the revocation is reported");
        lock (seen) Assert.Equal([0, 1], seen[0]);
    }

    [Fact]
    public async Task A_partition_asked_back_in_the_middle_of_a_large_fetch_is_given_back_there_and_read_on_by_its_new_owner()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 2);
        var values = new string[300];
        for (int i = 0; i < values.Length; i++) values[i] = $"m{i}";
        broker.Store.Append("t", 1, TestBatches.Of(values)); // one fetch answer holds all 300
        var options = new TopicReaderOptions { Group = "g", MaxWait = TimeSpan.FromMilliseconds(50) };

        await using var first = new Consumer(new TopicReader(broker.Endpoint, "t", options), perMessage: TimeSpan.FromMilliseconds(2));
        await Eventually.True(() => first.Count >= 20, "the first reader is inside the large batch");
        await using var second = new Consumer(new TopicReader(broker.Endpoint, "t", options));
        await Eventually.True(() => second.Reader.AssignedPartitions.SequenceEqual([1]), "partition 1 moves to the second reader");
        await Eventually.True(() => first.Count + second.Count == 300, "all 300 messages are read");

        Assert.True(second.Count > 0, "the second reader read on from where the first gave partition 1 back");
        Assert.Equal(300, first.Read.Concat(second.Read).Select(m => m.Value).Distinct().Count());
        Assert.Equal(0, broker.Store.FencedCommits);
    }
}
