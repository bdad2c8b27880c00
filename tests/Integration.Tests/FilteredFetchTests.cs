using System.Globalization;
using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Records;

namespace FastBroker.IntegrationTests;

/// <summary>Filtered reads of the log (PROTOCOL.md section 5.8.1) against the real broker: TopicReader, the
/// connection's FetchFilteredAsync and `fastbroker consume --filter`.</summary>
public sealed class FilteredFetchTests : IAsyncLifetime
{
    private BrokerProcess _broker = null!;
    private BrokerConnection _connection = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerProcess.StartAsync();
        _connection = await BrokerConnection.ConnectAsync(_broker.Address);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _broker.DisposeAsync();
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // Publishes one batch to partition 0: keys as given (values "KEY@OFFSET"), every record with the given headers.
    private async Task<long> PublishAsync(string topic, string[] keys, params RecordHeader[] headers)
    {
        var metadata = await _connection.GetTopicMetadataAsync(topic);
        long first = metadata.Partitions[0].EndOffset;
        using var builder = new RecordBatchBuilder();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < keys.Length; i++)
            builder.Append(now, true, Encoding.UTF8.GetBytes(keys[i]), headers, Encoding.UTF8.GetBytes($"{keys[i]}@{first + i}"));
        return await _connection.PublishAsync(topic, 0, builder.Seal());
    }

    private static async Task<List<string>> ReadAsync(TopicReader reader, int count)
    {
        var values = new List<string>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var message in reader.ReadAllAsync(patience.Token))
        {
            values.Add($"{message.Offset}:{Encoding.UTF8.GetString(message.Value.Span)}");
            if (values.Count == count) break;
        }
        return values;
    }

    [Fact]
    public async Task A_filtered_reader_gets_exactly_the_matching_messages_in_offset_order_across_many_batches()
    {
        await _connection.CreateTopicAsync("orders", 1);
        var expected = new List<string>();
        for (int b = 0; b < 200; b++)
        {
            // One batch in twenty holds matches, and never only matches.
            string[] keys = b % 20 == 7 ? ["us.created", "eu.created", "eu.cancelled", "eu.created"] : ["us.created", "us.cancelled", "ap.created"];
            long first = await PublishAsync("orders", keys);
            for (int i = 0; i < keys.Length; i++)
                if (keys[i] == "eu.created") expected.Add($"{first + i}:{keys[i]}@{first + i}");
        }

        await using var reader = new TopicReader(_broker.Address, "orders",
            new TopicReaderOptions { Filter = "key ~ \"eu.*\" and not key = \"eu.cancelled\"", MaxBytes = 512, MaxWait = TimeSpan.FromMilliseconds(100) });
        var got = await ReadAsync(reader, expected.Count);

        Assert.Equal(20, expected.Count);
        Assert.Equal(expected, got);
    }

    [Fact]
    public async Task A_long_poll_is_answered_by_a_matching_publish_and_not_by_one_that_does_not_match()
    {
        await _connection.CreateTopicAsync("events", 1);
        await PublishAsync("events", ["us.1"]);

        var poll = _connection.FetchFilteredAsync("events", 0, 0, "key ~ \"eu.*\"", 1 << 20, TimeSpan.FromSeconds(30)).AsTask();
        await PublishAsync("events", ["us.2", "us.3"]);
        long match = await PublishAsync("events", ["us.4", "eu.5"]) + 1;

        // Had the first publish answered the poll, the answer would hold no range and next offset 3.
        using var result = await poll.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, result.RangeCount);
        Assert.Equal(new FastBroker.Wire.Messages.FetchRange(match, 1), result.GetRange(0));
        Assert.Equal(match + 1, result.NextOffset);
        Assert.Equal(match + 1, result.LogEndOffset);
    }

    [Fact]
    public async Task A_group_commit_resumes_after_the_last_examined_offset_not_the_last_match()
    {
        await _connection.CreateTopicAsync("jobs", 1);
        await PublishAsync("jobs", ["a", "b", "wanted", "c"]);
        for (int b = 0; b < 20; b++) await PublishAsync("jobs", ["x", "y"]);

        var first = await Cli.RunAsync(_broker.Address, null, "consume", "jobs", "--group", "g", "--filter", "key = \"wanted\"", "--timeout", "1s");
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(["wanted@2"], Lines(first.Stdout));
        Assert.Equal(44, await _connection.ReadPositionAsync("g", "jobs", 0));

        await PublishAsync("jobs", ["x", "wanted"]);
        var second = await Cli.RunAsync(_broker.Address, null, "consume", "jobs", "--group", "g", "--filter", "key = \"wanted\"", "--timeout", "1s");
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(["wanted@45"], Lines(second.Stdout));
        Assert.Equal(46, await _connection.ReadPositionAsync("g", "jobs", 0));
    }

    [Fact]
    public async Task An_invalid_filter_is_refused_by_the_broker_the_reader_and_the_cli()
    {
        await _connection.CreateTopicAsync("bad", 1);
        Assert.False(Wire.Filters.MessageFilter.TryParse("key ~", out _, out string? reason));

        var refused = await Assert.ThrowsAsync<BrokerException>(async () =>
        {
            using var _ = await _connection.FetchFilteredAsync("bad", 0, 0, "key ~", 1024, TimeSpan.Zero);
        });
        Assert.Equal(ErrorCode.InvalidArgument, refused.Code);
        Assert.Contains("invalid filter: " + reason, refused.Message);

        var options = Assert.Throws<ArgumentException>(() => new TopicReaderOptions { Filter = "key ~" });
        Assert.Contains("invalid filter: " + reason, options.Message);

        var cli = await Cli.RunAsync(_broker.Address, null, "consume", "bad", "--filter", "key ~", "--timeout", "1s");
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("error: invalid filter: " + reason, Lines(cli.Stderr));
        Assert.Empty(cli.Stdout);
    }

    [Fact]
    public async Task Expired_messages_are_never_delivered_to_a_filtered_reader()
    {
        await _connection.CreateTopicAsync("offers", 1);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var expired = new RecordHeader(MessageExpiry.HeaderName, Encoding.UTF8.GetBytes((now - 60_000).ToString(CultureInfo.InvariantCulture)));
        var fresh = new RecordHeader(MessageExpiry.HeaderName, Encoding.UTF8.GetBytes((now + 3_600_000).ToString(CultureInfo.InvariantCulture)));
        await PublishAsync("offers", ["eu.1", "eu.2"], expired);
        await PublishAsync("offers", ["eu.3"], fresh);
        await PublishAsync("offers", ["eu.4"]);

        await using var reader = new TopicReader(_broker.Address, "offers",
            new TopicReaderOptions { Filter = "key ~ \"eu.*\"", MaxWait = TimeSpan.FromMilliseconds(100) });

        Assert.Equal(["2:eu.3@2", "3:eu.4@3"], await ReadAsync(reader, 2));
    }
}
