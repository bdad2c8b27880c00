using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests;

/// <summary>
/// The group coordinator against the real broker (PROTOCOL.md 5.29-5.31): readers of one group split a topic's
/// partitions, read every message once across them with their commits, a new reader takes only what must move, and
/// a member that vanishes without leaving loses its partitions after its session timeout.
/// </summary>
public sealed class ConsumerGroupTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static TopicReaderOptions Billing() => new()
    {
        Group = "billing",
        SessionTimeout = TimeSpan.FromSeconds(2),
        MaxWait = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>Reads in the background, committing after each message, as an application would.</summary>
    private sealed class Consumer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new(Limit * 2);
        private readonly Task _loop;
        private readonly List<string> _read = [];

        public Consumer(string address)
        {
            Reader = new TopicReader(address, "orders", Billing());
            _loop = Task.Run(async () =>
            {
                try
                {
                    await foreach (var message in Reader.ReadAllAsync(_stop.Token))
                    {
                        lock (_read) _read.Add(Encoding.UTF8.GetString(message.Value.Span));
                        await Reader.CommitAsync(_stop.Token);
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                }
            });
        }

        public TopicReader Reader { get; }

        public int[] Assigned => [.. Reader.AssignedPartitions];

        public List<string> Read
        {
            get { lock (_read) return [.. _read]; }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _loop;
            await Reader.DisposeAsync();
        }
    }

    private static async Task PublishAsync(BrokerConnection admin, string tag, int each)
    {
        await using var producer = await admin.CreateProducerAsync("orders");
        for (int p = 0; p < 4; p++)
            for (int i = 0; i < each; i++)
                await producer.SendAsync(Encoding.UTF8.GetBytes($"{tag}-p{p}-{i}"), partition: p);
    }

    private static Task Until(Func<bool> condition, string what) => Eventually.HoldsAsync(() => Task.FromResult(condition()), what);

    [Fact]
    public async Task Readers_of_a_group_split_the_partitions_read_each_message_once_and_a_third_moves_only_one_partition()
    {
        string data = TempDirectories.Create("coordinator");
        try
        {
            await using var broker = await BrokerProcess.StartAsync(data);
            await using var admin = await BrokerConnection.ConnectAsync(broker.Address);
            await admin.CreateTopicAsync("orders", 4);
            await PublishAsync(admin, "a", 10);

            await using var first = new Consumer(broker.Address);
            await using var second = new Consumer(broker.Address);
            await Until(() => first.Assigned.Length == 2 && second.Assigned.Length == 2, "the two readers own two partitions each");
            Assert.Empty(first.Assigned.Intersect(second.Assigned));
            await Until(() => first.Read.Count + second.Read.Count == 40, "the 40 messages are read");

            int[] firstBefore = first.Assigned, secondBefore = second.Assigned;
            await using var third = new Consumer(broker.Address);
            await Until(() => third.Assigned.Length == 1 && first.Assigned.Length + second.Assigned.Length == 3, "the third reader gets one partition");
            // Only the partition that had to move moved: the others stayed with their owners.
            Assert.Subset(firstBefore.ToHashSet(), first.Assigned.ToHashSet());
            Assert.Subset(secondBefore.ToHashSet(), second.Assigned.ToHashSet());
            Assert.Contains(third.Assigned[0], firstBefore.Concat(secondBefore));

            await PublishAsync(admin, "b", 5);
            var everyone = new[] { first, second, third };
            await Until(() => everyone.Sum(c => c.Read.Count) >= 60, "the 20 new messages are read");
            var all = everyone.SelectMany(c => c.Read).ToList();
            Assert.Equal(60, all.Count);
            Assert.Equal(60, all.Distinct().Count());

            var described = await Cli.RunAsync(broker.Address, null, "group", "describe", "billing");
            Assert.Equal(0, described.ExitCode);
            foreach (var consumer in everyone)
                Assert.Contains(consumer.Reader.MemberId!, described.Stdout);
            string[] lines = described.Stdout.Split('\n');
            Assert.Equal(4, lines.Count(l => l.StartsWith("orders\t", StringComparison.Ordinal) && !l.EndsWith("\t-", StringComparison.Ordinal)));
            // A reset with members on the topic is refused.
            var reset = await Cli.RunAsync(broker.Address, null, "group", "reset", "billing", "--topic", "orders", "--to", "earliest");
            Assert.Equal(1, reset.ExitCode);
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }

    [Fact]
    public async Task A_member_that_vanishes_without_leaving_loses_its_partitions_after_its_session_timeout()
    {
        string data = TempDirectories.Create("coordinator");
        try
        {
            await using var broker = await BrokerProcess.StartAsync(data);
            await using var admin = await BrokerConnection.ConnectAsync(broker.Address);
            await admin.CreateTopicAsync("orders", 4);
            await using var reader = new Consumer(broker.Address);
            await Until(() => reader.Assigned.Length == 4, "the only reader owns every partition");

            // A second member joins on its own connection and heartbeats until it owns its share.
            var vanishing = await BrokerConnection.ConnectAsync(broker.Address);
            var member = await vanishing.JoinGroupAsync("billing", "orders", TimeSpan.FromSeconds(2));
            var deadline = DateTime.UtcNow + Limit;
            while (member.Partitions.Count < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "the second member never got its partitions");
                await Task.Delay(100);
                member = await vanishing.HeartbeatAsync("billing", "orders", member.MemberId, member.Generation, member.Partitions);
            }
            await Until(() => reader.Assigned.Length == 2, "the reader gave two partitions back");

            // Its connection closes without a LeaveGroup: the broker keeps it until its session ends.
            await vanishing.DisposeAsync();
            var stillThere = await admin.DescribeGroupWithMembersAsync("billing", "orders");
            Assert.Contains(stillThere.Members, m => m.MemberId == member.MemberId);
            await Until(() => reader.Assigned.Length == 4, "the reader gets the vanished member's partitions back");
            var after = await admin.DescribeGroupWithMembersAsync("billing", "orders");
            Assert.Equal(reader.Reader.MemberId, Assert.Single(after.Members).MemberId);

            // A commit from the vanished member is fenced.
            await using var late = await BrokerConnection.ConnectAsync(broker.Address);
            var refused = await Assert.ThrowsAsync<BrokerException>(async () =>
                await late.CommitPositionAsync("billing", "orders", member.Partitions[0], 0, member.MemberId, member.Generation));
            Assert.Equal(Wire.ErrorCode.UnknownMember, refused.Code);
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }
}
