using System.Text;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests;

/// <summary>A <see cref="TopicReader"/> made by <see cref="TopicReader.ForPattern"/>: every matching topic, as they come and go.</summary>
public sealed class PatternReaderTests
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);

    private sealed record Read(string Topic, int Partition, long Offset, string Value);

    private static async Task<List<Read>> Take(TopicReader reader, int count, List<string>? topicInstances = null)
    {
        var taken = new List<Read>();
        await foreach (var message in reader.ReadAllAsync())
        {
            taken.Add(new Read(message.Topic, message.Partition, message.Offset, Encoding.UTF8.GetString(message.Value.Span)));
            topicInstances?.Add(message.Topic);
            if (taken.Count == count)
                break;
        }
        return taken;
    }

    /// <summary>Options on a fake clock that only the test moves; requests never time out on it.</summary>
    private static TopicReaderOptions OnClock(FakeTimeProvider time, StartPosition start = default, string? group = null) => new()
    {
        Start = start,
        Group = group,
        MaxWait = TimeSpan.FromMilliseconds(100),
        TopicRefreshInterval = Refresh,
        Connection = new BrokerConnectionOptions { TimeProvider = time, RequestTimeout = TimeSpan.FromDays(1) },
    };

    private static void CreateWith(FakeBroker broker, string topic, params string[] values)
    {
        broker.Store.CreateTopic(topic, 1);
        if (values.Length > 0)
            broker.Store.Append(topic, 0, TestBatches.Of(values));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Reads_every_matching_topic_and_no_other_with_one_topic_string_per_topic()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders.eu", 2);
        broker.Store.Append("orders.eu", 0, TestBatches.Of("eu0", "eu1"));
        broker.Store.Append("orders.eu", 1, TestBatches.Of("eu2"));
        CreateWith(broker, "orders.us", "us0");
        CreateWith(broker, "orders.eu.fr", "deep");
        CreateWith(broker, "payments", "pay");
        CreateWith(broker, "orders", "bare");
        var instances = new List<string>();
        await using var reader = TopicReader.ForPattern(broker.Endpoint, "orders.*", OnClock(new FakeTimeProvider()));

        var read = await Take(reader, 4, instances);

        Assert.Equal(["eu0", "eu1", "eu2", "us0"], read.Select(r => r.Value).Order());
        Assert.All(read, r => Assert.Equal(r.Value.StartsWith("eu") ? "orders.eu" : "orders.us", r.Topic));
        Assert.Equal(2, instances.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Equal(["orders.eu", "orders.us"], reader.Topics.Order());
        Assert.Equal("orders.*", reader.Topic);
        Assert.Equal(2, reader.GetPosition("orders.eu", 0));
        Assert.Null(reader.GetPosition(0));
        var fetched = broker.Requests.Where(r => r.Opcode == Opcode.Fetch).Select(r => r.Topic).Distinct();
        Assert.Equal(["orders.eu", "orders.us"], fetched.Order());
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_topic_created_later_is_found_at_the_next_refresh_and_read_from_its_start_even_with_Latest()
    {
        var time = new FakeTimeProvider();
        await using var broker = new FakeBroker();
        CreateWith(broker, "orders.a", "old-a0", "old-a1");
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var reader = TopicReader.ForPattern(broker.Endpoint, "orders.#", OnClock(time, StartPosition.Latest));

        var reading = Take(reader, 3);
        await Eventually.True(() => broker.Count(Opcode.Fetch) >= 1, "the reader is long-polling orders.a");
        await connection.PublishAsync("orders.a", 0, TestBatches.Of("new-a2"));
        await connection.CreateTopicAsync("orders.b.eu", 1);
        await connection.PublishAsync("orders.b.eu", 0, TestBatches.Of("b0", "b1"));
        await connection.CreateTopicAsync("other", 1);
        await connection.PublishAsync("other", 0, TestBatches.Of("x"));
        Assert.DoesNotContain("orders.b.eu", reader.Topics);

        while (!reading.IsCompleted)
        {
            time.Advance(Refresh);
            await Task.WhenAny(reading, Task.Delay(20));
        }
        var read = await reading;

        Assert.Equal([("orders.a", 2L, "new-a2"), ("orders.b.eu", 0L, "b0"), ("orders.b.eu", 1L, "b1")],
            read.Select(r => (r.Topic, r.Offset, r.Value)).Order());
        Assert.Equal(["orders.a", "orders.b.eu"], reader.Topics.Order());
        Assert.DoesNotContain(broker.Requests, r => r.Opcode == Opcode.Fetch && r.Topic == "other");
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task With_no_matching_topic_it_waits_for_one()
    {
        var time = new FakeTimeProvider();
        await using var broker = new FakeBroker();
        CreateWith(broker, "payments", "pay");
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var reader = TopicReader.ForPattern(broker.Endpoint, "orders.*", OnClock(time));

        var reading = Take(reader, 1);
        await Eventually.True(() => broker.Count(Opcode.ListTopics) >= 1, "the reader listed the topics");
        Assert.False(reading.IsCompleted);
        Assert.Empty(reader.Topics);
        CreateWith(broker, "orders.new", "first");
        while (!reading.IsCompleted)
        {
            time.Advance(Refresh);
            await Task.WhenAny(reading, Task.Delay(20));
        }

        Assert.Equal(new Read("orders.new", 0, 0, "first"), Assert.Single(await reading));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_topic_deleted_while_read_is_dropped_and_the_others_are_still_read()
    {
        await using var broker = new FakeBroker();
        CreateWith(broker, "orders.a", "a0");
        CreateWith(broker, "orders.b", "b0");
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        // The clock never moves: the topic is dropped because its fetch fails, not by a refresh.
        await using var reader = TopicReader.ForPattern(broker.Endpoint, "orders.*", OnClock(new FakeTimeProvider()));

        var read = new List<Read>();
        await foreach (var message in reader.ReadAllAsync())
        {
            read.Add(new Read(message.Topic, message.Partition, message.Offset, Encoding.UTF8.GetString(message.Value.Span)));
            if (read.Count == 2)
            {
                await connection.DeleteTopicAsync("orders.a");
                await connection.PublishAsync("orders.b", 0, TestBatches.Of("b1"));
            }
            if (read.Count == 3)
                break;
            if (read.Count > 3)
                Assert.Fail("read past the end");
        }

        Assert.Equal(["a0", "b0", "b1"], read.Select(r => r.Value).Order());
        await using var reading = reader.ReadAllAsync().GetAsyncEnumerator();
        var pending = reading.MoveNextAsync().AsTask();
        await Eventually.True(() => !reader.Topics.Contains("orders.a"), "the reader dropped orders.a");
        Assert.Equal(["orders.b"], reader.Topics);
        await connection.PublishAsync("orders.b", 0, TestBatches.Of("b2"));
        Assert.True(await pending);
        Assert.Equal("b2", Encoding.UTF8.GetString(reading.Current.Value.Span));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_fetch_failure_of_a_topic_that_still_exists_fails_the_read()
    {
        await using var broker = new FakeBroker();
        CreateWith(broker, "orders.a", "a0");
        broker.Intercept = r => r is { Opcode: Opcode.Fetch, Topic: "orders.a" } ? new FakeReply(Error: ErrorCode.StorageError, Message: "disk on fire") : null;
        await using var reader = TopicReader.ForPattern(broker.Endpoint, "orders.*", OnClock(new FakeTimeProvider()));

        var error = await Assert.ThrowsAsync<BrokerException>(() => Take(reader, 1));

        Assert.Equal(ErrorCode.StorageError, error.Code);
        Assert.Equal(["orders.a"], reader.Topics);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_group_commits_every_topic_and_partition_and_a_new_reader_resumes_each()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders.a", 2);
        broker.Store.Append("orders.a", 0, TestBatches.Of("a0-0", "a0-1", "a0-2"));
        broker.Store.Append("orders.a", 1, TestBatches.Of("a1-0", "a1-1"));
        CreateWith(broker, "orders.b", "b-0", "b-1", "b-2", "b-3");
        var all = new[] { "a0-0", "a0-1", "a0-2", "a1-0", "a1-1", "b-0", "b-1", "b-2", "b-3" };

        List<Read> first;
        await using (var reader = TopicReader.ForPattern(broker.Endpoint, "orders.*", OnClock(new FakeTimeProvider(), group: "g")))
        {
            first = await Take(reader, 5);
            await reader.CommitAsync();
        }
        long committed = (broker.Store.Position("g", "orders.a", 0) ?? 0) + (broker.Store.Position("g", "orders.a", 1) ?? 0)
                         + (broker.Store.Position("g", "orders.b", 0) ?? 0);
        Assert.Equal(5, committed);

        // The group's positions win over the start position.
        await using var second = TopicReader.ForPattern(broker.Endpoint, "orders.*", OnClock(new FakeTimeProvider(), StartPosition.Latest, "g"));
        var rest = await Take(second, 4);

        Assert.Equal(all, first.Concat(rest).Select(r => r.Value).Order());
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Commit_skips_a_topic_deleted_since_it_was_read()
    {
        await using var broker = new FakeBroker();
        CreateWith(broker, "orders.a", "a0");
        CreateWith(broker, "orders.b", "b0");
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var reader = TopicReader.ForPattern(broker.Endpoint, "orders.*", OnClock(new FakeTimeProvider(), group: "g"));
        await Take(reader, 2);

        await connection.DeleteTopicAsync("orders.a");
        await reader.CommitAsync();

        Assert.Equal(1, broker.Store.Position("g", "orders.b", 0));
        Assert.Contains(broker.Requests, r => r is { Opcode: Opcode.CommitPosition, Topic: "orders.a" });
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_single_topic_reader_hands_out_its_own_topic_string_with_every_message()
    {
        await using var broker = new FakeBroker();
        CreateWith(broker, "orders", "a", "b");
        string topic = new(['o', 'r', 'd', 'e', 'r', 's']);
        var instances = new List<string>();
        await using var reader = new TopicReader(broker.Endpoint, topic);

        await Take(reader, 2, instances);

        Assert.All(instances, t => Assert.Same(topic, t));
        Assert.Equal(["orders"], reader.Topics);
        Assert.Null(reader.Pattern);
    }

    [Fact]
    public void ForPattern_refuses_an_empty_pattern_a_partition_list_and_a_refresh_interval_that_is_not_positive()
    {
        Assert.ThrowsAny<ArgumentException>(() => TopicReader.ForPattern("127.0.0.1:1", ""));
        Assert.Throws<ArgumentException>(() => TopicReader.ForPattern("127.0.0.1:1", "x.#", new TopicReaderOptions { Partitions = [0] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TopicReader.ForPattern("127.0.0.1:1", "x.*", new TopicReaderOptions { TopicRefreshInterval = TimeSpan.Zero }));
    }
}
