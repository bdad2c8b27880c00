using System.Text;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests;

public sealed class TopicReaderTests
{
    private static FakeBroker BrokerWithBatches(string topic, int partitions, int batches, int perBatch)
    {
        var broker = new FakeBroker();
        broker.Store.CreateTopic(topic, partitions);
        for (int p = 0; p < partitions; p++)
        {
            int n = 0;
            for (int b = 0; b < batches; b++)
            {
                var values = new string[perBatch];
                for (int i = 0; i < perBatch; i++)
                    values[i] = $"p{p}-{n++}";
                broker.Store.Append(topic, p, TestBatches.Of(values));
            }
        }
        return broker;
    }

    private static async Task<List<(int Partition, long Offset, string Value)>> Take(TopicReader reader, int count, CancellationToken cancellationToken = default)
    {
        var taken = new List<(int, long, string)>();
        if (count == 0)
            return taken;
        await foreach (var message in reader.ReadAllAsync(cancellationToken))
        {
            taken.Add((message.Partition, message.Offset, Encoding.UTF8.GetString(message.Value.Span)));
            if (taken.Count == count)
                break;
        }
        return taken;
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Yields_records_in_order_across_batches_and_fetches()
    {
        await using var broker = BrokerWithBatches("t", 1, batches: 3, perBatch: 3);
        // A one-byte cap makes every fetch return exactly one batch.
        await using var reader = new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { MaxBytes = 1 });

        var messages = await Take(reader, 9);

        Assert.Equal(Enumerable.Range(0, 9).Select(i => (0, (long)i, $"p0-{i}")), messages);
        Assert.True(broker.Count(Opcode.Fetch) >= 3);
        Assert.Equal(9, reader.GetPosition(0));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Skips_records_below_the_start_offset_in_the_first_batch()
    {
        await using var broker = BrokerWithBatches("t", 1, batches: 3, perBatch: 3);
        await using var reader = new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { Start = StartPosition.Offset(4) });

        var messages = await Take(reader, 5);

        Assert.Equal([4L, 5, 6, 7, 8], messages.Select(m => m.Offset));
        Assert.Equal("p0-4", messages[0].Value);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task An_offset_start_is_clamped_to_each_partitions_range()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 2);
        broker.Store.Append("t", 0, TestBatches.Of("a", "b", "c", "d", "e"));
        broker.Store.Append("t", 1, TestBatches.Of("x"));
        await using var reader = new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { Start = StartPosition.Offset(3) });

        var messages = await Take(reader, 2);

        Assert.Equal([(0, 3L, "d"), (0, 4L, "e")], messages);
        Assert.Equal(1, reader.GetPosition(1));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Reads_every_partition_keeping_each_in_order()
    {
        await using var broker = BrokerWithBatches("t", 3, batches: 2, perBatch: 4);
        await using var reader = new TopicReader(broker.Endpoint, "t");

        var messages = await Take(reader, 24);

        for (int p = 0; p < 3; p++)
        {
            var partition = messages.Where(m => m.Partition == p).ToList();
            Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), partition.Select(m => m.Offset));
            Assert.All(partition, m => Assert.Equal($"p{p}-{m.Offset}", m.Value));
        }
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Reads_only_the_chosen_partitions()
    {
        await using var broker = BrokerWithBatches("t", 3, batches: 1, perBatch: 2);
        await using var reader = new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { Partitions = [2] });

        var messages = await Take(reader, 2);

        Assert.All(messages, m => Assert.Equal(2, m.Partition));
        Assert.DoesNotContain(broker.Requests, r => r.Opcode == Opcode.Fetch && r.Partition != 2);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Commits_and_a_new_reader_of_the_group_resumes_there()
    {
        await using var broker = BrokerWithBatches("t", 2, batches: 2, perBatch: 3);
        var options = new TopicReaderOptions { Group = "billing", Partitions = [1] };
        await using (var first = new TopicReader(broker.Endpoint, "t", options))
        {
            await Take(first, 4);
            await first.CommitAsync();
        }
        Assert.Equal(4, broker.Store.Position("billing", "t", 1));

        // The group position wins over the start position.
        await using var second = new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { Group = "billing", Partitions = [1], Start = StartPosition.Latest });
        var rest = await Take(second, 2);

        Assert.Equal([4L, 5], rest.Select(m => m.Offset));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Latest_reads_only_what_is_published_after_the_start()
    {
        await using var broker = BrokerWithBatches("t", 1, batches: 1, perBatch: 3);
        await using var reader = new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { Start = StartPosition.Latest });
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        var reading = Take(reader, 1);
        await Eventually.True(() => broker.Count(Opcode.Fetch) >= 1, "the reader is long-polling");
        await connection.PublishAsync("t", 0, TestBatches.Of("fresh"));

        var message = Assert.Single(await reading);
        Assert.Equal((0, 3L, "fresh"), message);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Reconnects_after_the_broker_drops_it_and_continues_without_gaps_or_duplicates()
    {
        var time = new FakeTimeProvider();
        await using var broker = BrokerWithBatches("t", 1, batches: 4, perBatch: 3);
        int fetchesOnFirst = 0;
        broker.Intercept = r => r is { Opcode: Opcode.Fetch, Connection: 1 } && Interlocked.Increment(ref fetchesOnFirst) == 2
            ? new FakeReply(Drop: true)
            : null;
        var options = new TopicReaderOptions { MaxBytes = 1, Connection = new BrokerConnectionOptions { TimeProvider = time } };
        await using var reader = new TopicReader(broker.Endpoint, "t", options);

        var messages = await AdvanceWhile(time, Take(reader, 12));

        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), messages.Select(m => m.Offset));
        Assert.Equal(2, reader.ConnectionCount);
        Assert.Equal(2, broker.ConnectionCount);
        Assert.Contains(broker.Requests, r => r is { Opcode: Opcode.Fetch, Connection: 2, Offset: 3 });
    }

    [Theory(Timeout = TestLimits.TestMs)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    public async Task Reconnect_resumes_every_partition_at_its_first_unyielded_offset(int dropAtFetch)
    {
        var time = new FakeTimeProvider();
        await using var broker = BrokerWithBatches("t", 3, batches: 4, perBatch: 3);
        int fetchesOnFirst = 0;
        broker.Intercept = r => r is { Opcode: Opcode.Fetch, Connection: 1 } && Interlocked.Increment(ref fetchesOnFirst) == dropAtFetch
            ? new FakeReply(Drop: true)
            : null;
        var options = new TopicReaderOptions { MaxBytes = 1, Connection = new BrokerConnectionOptions { TimeProvider = time } };
        await using var reader = new TopicReader(broker.Endpoint, "t", options);

        var messages = await AdvanceWhile(time, Take(reader, 36));

        for (int p = 0; p < 3; p++)
            Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), messages.Where(m => m.Partition == p).Select(m => m.Offset));
        Assert.Equal(2, reader.ConnectionCount);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Gives_up_with_BrokerConnectionException_after_the_reconnect_timeout()
    {
        var time = new FakeTimeProvider();
        var broker = BrokerWithBatches("t", 1, batches: 1, perBatch: 2);
        var options = new TopicReaderOptions { ReconnectTimeout = TimeSpan.FromSeconds(10), Connection = new BrokerConnectionOptions { TimeProvider = time } };
        await using var reader = new TopicReader(broker.Endpoint, "t", options);
        var taken = new List<long>();
        var reading = Task.Run(async () =>
        {
            await foreach (var message in reader.ReadAllAsync())
            {
                taken.Add(message.Offset);
                if (taken.Count == 2)
                    await broker.DisposeAsync(); // the broker goes away for good
            }
        });

        var error = await Assert.ThrowsAsync<BrokerConnectionException>(() => AdvanceWhile(time, reading));

        Assert.Equal([0L, 1], taken);
        Assert.Contains("reconnect", error.Message);
        Assert.True(time.GetUtcNow() - new FakeTimeProvider().GetUtcNow() >= TimeSpan.FromSeconds(10));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Unknown_topic_fails_with_BrokerException()
    {
        await using var broker = new FakeBroker();
        await using var reader = new TopicReader(broker.Endpoint, "missing");

        var error = await Assert.ThrowsAsync<BrokerException>(() => Take(reader, 1));

        Assert.Equal(ErrorCode.UnknownTopic, error.Code);
    }

    [Theory(Timeout = TestLimits.TestMs)]
    [InlineData(0, "earliest")]
    [InlineData(1, "latest")]
    [InlineData(1, "offset")]
    public async Task A_partition_the_broker_could_not_open_fails_with_PartitionUnavailable(int unavailable, string start)
    {
        await using var broker = BrokerWithBatches("t", 2, batches: 1, perBatch: 2);
        broker.Store.MarkUnavailable("t", unavailable);
        var position = start switch { "latest" => StartPosition.Latest, "offset" => StartPosition.Offset(1), _ => StartPosition.Earliest };
        await using var reader = new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { Start = position });

        var error = await Assert.ThrowsAsync<BrokerException>(() => Take(reader, 1));

        Assert.Equal(ErrorCode.PartitionUnavailable, error.Code);
        Assert.Contains($"Partition {unavailable}", error.Message);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Cancellation_ends_a_waiting_read_and_positions_can_still_be_committed()
    {
        await using var broker = BrokerWithBatches("t", 1, batches: 1, perBatch: 2);
        await using var reader = new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { Group = "g", MaxWait = TimeSpan.FromSeconds(30) });
        using var cancel = new CancellationTokenSource();
        var seen = new List<long>();

        var reading = Task.Run(async () =>
        {
            await foreach (var message in reader.ReadAllAsync(cancel.Token))
            {
                seen.Add(message.Offset);
                if (seen.Count == 2)
                    await cancel.CancelAsync();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        await reader.CommitAsync();

        Assert.Equal([0L, 1], seen);
        Assert.Equal(2, broker.Store.Position("g", "t", 0));
    }

    private static async Task<T> AdvanceWhile<T>(FakeTimeProvider time, Task<T> task)
    {
        await Eventually.AdvanceUntilDone(time, task, TimeSpan.FromMilliseconds(50));
        return await task;
    }

    private static Task AdvanceWhile(FakeTimeProvider time, Task task)
        => Eventually.AdvanceUntilDone(time, task, TimeSpan.FromMilliseconds(250));
}
