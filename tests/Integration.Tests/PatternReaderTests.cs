using System.Text;
using FastBroker.ClientLite;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests;

/// <summary>Pattern readers against the real broker: topics matched, discovered, resumed per group and deleted under them.</summary>
public sealed class PatternReaderTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private BrokerProcess _broker = null!;
    private BrokerConnection _admin = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerProcess.StartAsync();
        _admin = await BrokerConnection.ConnectAsync(_broker.Address);
    }

    public async Task DisposeAsync()
    {
        await _admin.DisposeAsync();
        await _broker.DisposeAsync();
    }

    private static TopicReaderOptions Fast(string? group = null, StartPosition start = default) => new()
    {
        Group = group,
        Start = start,
        MaxWait = TimeSpan.FromMilliseconds(100),
        TopicRefreshInterval = TimeSpan.FromMilliseconds(200),
    };

    private async Task PublishAsync(string topic, params string[] values)
    {
        await using var producer = await _admin.CreateProducerAsync(topic);
        foreach (string value in values)
            _ = producer.SendAsync(Encoding.UTF8.GetBytes(value));
        await producer.FlushAsync();
    }

    private async Task CreateAsync(string topic, int partitions, params string[] values)
    {
        await _admin.CreateTopicAsync(topic, partitions);
        await PublishAsync(topic, values);
    }

    private static string Text(in TopicMessage message) => $"{message.Topic}:{Encoding.UTF8.GetString(message.Value.Span)}";

    [Fact]
    public async Task Reads_existing_and_later_created_matching_topics_and_never_others()
    {
        await CreateAsync("orders.eu", 2, "eu1", "eu2", "eu3");
        await CreateAsync("orders.eu.fr", 1, "deep");
        await CreateAsync("payments", 1, "pay");
        await using var reader = TopicReader.ForPattern(_broker.Address, "orders.*", Fast(start: StartPosition.Latest));
        await reader.StartAsync();
        await PublishAsync("orders.eu", "eu4");
        using var timeout = new CancellationTokenSource(Limit);

        var seen = new List<string>();
        await foreach (var message in reader.ReadAllAsync(timeout.Token))
        {
            seen.Add(Text(message));
            if (seen.Count == 1)
            {
                // Created after the reader started: read from its first message although the reader started at the end.
                await CreateAsync("orders.us", 1, "us1", "us2");
                await CreateAsync("invoices.us", 1, "inv");
            }
            if (seen.Count == 3)
                break;
        }

        Assert.Equal(["orders.eu:eu4", "orders.us:us1", "orders.us:us2"], seen.Order());
        Assert.Equal(["orders.eu", "orders.us"], reader.Topics.Order());
    }

    [Fact]
    public async Task A_group_resumes_each_topic_and_partition_where_the_previous_reader_committed()
    {
        var a = Enumerable.Range(0, 20).Select(i => $"a{i}").ToArray();
        var b = Enumerable.Range(0, 10).Select(i => $"b{i}").ToArray();
        await CreateAsync("events.a", 3, a);
        await CreateAsync("events.b", 1, b);
        using var timeout = new CancellationTokenSource(Limit);

        var first = new List<string>();
        await using (var reader = TopicReader.ForPattern(_broker.Address, "events.#", Fast("audit")))
        {
            await foreach (var message in reader.ReadAllAsync(timeout.Token))
            {
                first.Add(Text(message));
                if (first.Count == 12)
                    break;
            }
            await reader.CommitAsync();
        }
        long committed = 0;
        for (int p = 0; p < 3; p++)
            committed += await _admin.ReadPositionAsync("audit", "events.a", p) ?? 0;
        committed += await _admin.ReadPositionAsync("audit", "events.b", 0) ?? 0;
        Assert.Equal(12, committed);

        var rest = new List<string>();
        await using (var reader = TopicReader.ForPattern(_broker.Address, "events.#", Fast("audit", StartPosition.Latest)))
        {
            await foreach (var message in reader.ReadAllAsync(timeout.Token))
            {
                rest.Add(Text(message));
                if (rest.Count == 18)
                    break;
            }
        }

        var expected = a.Select(v => $"events.a:{v}").Concat(b.Select(v => $"events.b:{v}")).Order();
        Assert.Equal(expected, first.Concat(rest).Order());
    }

    [Fact]
    public async Task A_topic_deleted_while_read_is_dropped_and_reading_goes_on()
    {
        await CreateAsync("jobs.a", 2, "a1", "a2");
        await CreateAsync("jobs.b", 1, "b1");
        // No refresh during the test: the reader notices the deletion from its own fetches.
        var options = new TopicReaderOptions { MaxWait = TimeSpan.FromMilliseconds(100), TopicRefreshInterval = TimeSpan.FromHours(1) };
        await using var reader = TopicReader.ForPattern(_broker.Address, "jobs.*", options);
        using var timeout = new CancellationTokenSource(Limit);

        var seen = new List<string>();
        await foreach (var message in reader.ReadAllAsync(timeout.Token))
        {
            seen.Add(Text(message));
            if (seen.Count == 3)
            {
                await _admin.DeleteTopicAsync("jobs.a");
                await PublishAsync("jobs.b", "b2");
            }
            if (seen.Count == 4)
                break;
        }
        Assert.Equal(["jobs.a:a1", "jobs.a:a2", "jobs.b:b1", "jobs.b:b2"], seen.Order());

        // Go on reading jobs.b (one new message at a time) until the reader has dropped jobs.a; no read fails.
        await PublishAsync("jobs.b", "b3");
        await foreach (var message in reader.ReadAllAsync(timeout.Token))
        {
            seen.Add(Text(message));
            if (!reader.Topics.Contains("jobs.a"))
                break;
            await Task.Delay(20, timeout.Token); // pacing only: the loop ends on the reader's own state
            await PublishAsync("jobs.b", $"b{seen.Count}");
        }
        Assert.Equal(["jobs.b"], reader.Topics);
        Assert.All(seen.Skip(4), s => Assert.StartsWith("jobs.b:", s));
    }
}
