using System.Text;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests;

/// <summary>A topic deleted and created again under the same name is another topic (another id, offsets from 0).</summary>
public sealed class RecreatedTopicTests
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);

    private static TopicReaderOptions OnClock(FakeTimeProvider time, StartPosition start = default, string? group = null) => new()
    {
        Start = start,
        Group = group,
        MaxWait = TimeSpan.FromMilliseconds(100),
        TopicRefreshInterval = Refresh,
        Connection = new BrokerConnectionOptions { TimeProvider = time, RequestTimeout = TimeSpan.FromDays(1) },
    };

    private static string Text(TopicMessage message) => Encoding.UTF8.GetString(message.Value.Span);

    /// <summary>Reads <paramref name="count"/> messages, moving the fake clock a refresh interval whenever none comes.</summary>
    private static async Task<List<(int Partition, long Offset, string Value)>> TakeAdvancing(
        IAsyncEnumerator<TopicMessage> reading, FakeTimeProvider time, int count)
    {
        var taken = new List<(int, long, string)>();
        while (taken.Count < count)
        {
            var next = reading.MoveNextAsync().AsTask();
            for (int i = 0; i < 200 && !next.IsCompleted; i++)
            {
                time.Advance(Refresh);
                await Task.WhenAny(next, Task.Delay(20));
            }
            Assert.True(await next);
            taken.Add((reading.Current.Partition, reading.Current.Offset, Text(reading.Current)));
        }
        return taken;
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Lists_and_metadata_carry_the_topic_id_and_a_recreated_topic_has_another()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders", 2);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        var listed = Assert.Single(await connection.ListTopicsAsync());
        var described = await connection.GetTopicMetadataAsync("orders");
        broker.Store.Recreate("orders", 3);
        var again = await connection.GetTopicMetadataAsync("orders");

        Assert.Equal(broker.Store.TopicId("orders"), again.TopicId);
        Assert.NotEqual(Guid.Empty, listed.TopicId);
        Assert.Equal(listed.TopicId, described.TopicId);
        Assert.NotEqual(described.TopicId, again.TopicId);
        Assert.Equal(3, again.PartitionCount);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_pattern_reader_sees_the_new_id_at_a_refresh_and_reads_the_new_topic_from_its_start()
    {
        var time = new FakeTimeProvider();
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders.a", 1);
        broker.Store.Append("orders.a", 0, TestBatches.Of("old0"));
        await using var reader = TopicReader.ForPattern(broker.Endpoint, "orders.*", OnClock(time, StartPosition.Latest));
        await using var reading = reader.ReadAllAsync().GetAsyncEnumerator();
        // Latest: the old message is not read; the reader waits at offset 1.
        var first = reading.MoveNextAsync().AsTask();
        await Eventually.True(() => broker.Count(Opcode.Fetch) >= 1, "the reader is long-polling orders.a");
        broker.Store.Append("orders.a", 0, TestBatches.Of("old1"));
        Assert.True(await first);
        Assert.Equal("old1", Text(reading.Current));

        // The new topic holds as many messages as the old one did: a fetch at the old position (2) waits quietly
        // at its end, and only the id tells the reader it reads another topic.
        broker.Store.Recreate("orders.a", 1);
        broker.Store.Append("orders.a", 0, TestBatches.Of("new0", "new1"));
        var read = await TakeAdvancing(reading, time, 2);

        Assert.Equal([(0, 0L, "new0"), (0, 1L, "new1")], read);
        Assert.Equal(["orders.a"], reader.Topics);
        Assert.Equal(2, reader.GetPosition("orders.a", 0));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_pattern_reader_whose_fetch_fails_on_a_recreated_topic_reopens_it_with_its_new_partition_count()
    {
        var time = new FakeTimeProvider();
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders.a", 1);
        broker.Store.Append("orders.a", 0, TestBatches.Of("old0", "old1", "old2"));
        await using var reader = TopicReader.ForPattern(broker.Endpoint, "orders.*", OnClock(time));
        await using var reading = reader.ReadAllAsync().GetAsyncEnumerator();
        for (int i = 0; i < 3; i++)
            Assert.True(await reading.MoveNextAsync());

        broker.Store.Recreate("orders.a", 2);
        broker.Store.Append("orders.a", 0, TestBatches.Of("p0"));
        broker.Store.Append("orders.a", 1, TestBatches.Of("p1"));
        // The clock does not move: the fetch at offset 3 fails (OffsetOutOfRange), and that failure finds the new id.
        var read = new List<(int, long, string)>();
        for (int i = 0; i < 2; i++)
        {
            Assert.True(await reading.MoveNextAsync());
            read.Add((reading.Current.Partition, reading.Current.Offset, Text(reading.Current)));
        }

        Assert.Equal([(0, 0L, "p0"), (1, 0L, "p1")], read.Order());
        Assert.Equal(1, reader.GetPosition("orders.a", 1));
        Assert.Equal(1, broker.Count(Opcode.ListTopics)); // only the listing at the start: no refresh found it
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_single_topic_reader_fails_clearly_when_its_fetch_finds_the_topic_recreated()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders", 1);
        broker.Store.Append("orders", 0, TestBatches.Of("old0", "old1"));
        await using var reader = new TopicReader(broker.Endpoint, "orders", OnClock(new FakeTimeProvider()));
        await using var reading = reader.ReadAllAsync().GetAsyncEnumerator();
        Assert.True(await reading.MoveNextAsync());
        Assert.True(await reading.MoveNextAsync());

        broker.Store.Recreate("orders", 1);
        var error = await Assert.ThrowsAsync<BrokerException>(async () => await reading.MoveNextAsync());

        Assert.Equal(ErrorCode.UnknownTopic, error.Code);
        Assert.Contains("deleted and created again", error.Message);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_single_topic_reader_waiting_at_its_end_fails_at_the_next_check_when_the_topic_was_recreated()
    {
        var time = new FakeTimeProvider();
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders", 1);
        await using var reader = new TopicReader(broker.Endpoint, "orders", OnClock(time));
        await using var reading = reader.ReadAllAsync().GetAsyncEnumerator();
        var next = reading.MoveNextAsync().AsTask();
        await Eventually.True(() => broker.Count(Opcode.Fetch) >= 1, "the reader is long-polling orders");

        // Same end offset (0), so no fetch fails: only the periodic check can tell.
        broker.Store.Recreate("orders", 1);
        for (int i = 0; i < 200 && !next.IsCompleted; i++)
        {
            time.Advance(Refresh);
            await Task.WhenAny(next, Task.Delay(20));
        }
        var error = await Assert.ThrowsAsync<BrokerException>(() => next);

        Assert.Equal(ErrorCode.UnknownTopic, error.Code);
        Assert.Contains("deleted and created again", error.Message);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_single_topic_reader_keeps_reading_when_the_check_finds_the_same_topic()
    {
        var time = new FakeTimeProvider();
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var reader = new TopicReader(broker.Endpoint, "orders", OnClock(time));
        await using var reading = reader.ReadAllAsync().GetAsyncEnumerator();
        var next = reading.MoveNextAsync().AsTask();
        await Eventually.True(() => broker.Count(Opcode.Fetch) >= 1, "the reader is long-polling orders");
        int described = broker.Count(Opcode.TopicMetadata);

        time.Advance(Refresh);
        await Eventually.True(() => broker.Count(Opcode.TopicMetadata) > described, "the reader checked its topic");
        await connection.PublishAsync("orders", 0, TestBatches.Of("m0"));

        Assert.True(await next);
        Assert.Equal("m0", Text(reading.Current));
    }
}
