using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire.Records;

namespace FastBroker.IntegrationTests;

/// <summary>Retention and time lookups with the real binary: serve defaults, topic describe, consume --from a time,
/// OPERATIONS.md's ClientLite sample, and old segments deleted.</summary>
public sealed class RetentionTests
{
    private static byte[] Batch(DateTimeOffset at, params string[] values)
    {
        using var builder = new RecordBatchBuilder();
        foreach (string value in values)
            builder.Append(at.ToUnixTimeMilliseconds(), hasKey: false, default, default, Encoding.UTF8.GetBytes(value));
        return builder.Seal().ToArray();
    }

    private static string[] RetentionLines(string describe)
        => describe.Split('\n').Where(l => l.StartsWith("retention", StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task The_serve_defaults_apply_to_topics_without_their_own_and_a_restart_keeps_the_topics_own()
    {
        using var directory = new TempDirectory("retention");
        string data = directory.Path;
        await using (var broker = await BrokerProcess.StartAsync(data, 0, "--retention", "7d", "--retention-bytes", "1GiB"))
        {
            Assert.Equal(0, (await Cli.RunAsync(broker.Address, null, "topic", "create", "orders", "--retention", "12h")).ExitCode);
            var described = await Cli.RunAsync(broker.Address, null, "topic", "describe", "orders");
            Assert.Equal(["retention\t12h\ttopic", "retention-bytes\t1GiB\tdefault"], RetentionLines(described.Stdout));
            Assert.Equal(0, await broker.StopAsync());
        }

        await using var restarted = await BrokerProcess.StartAsync(data);
        var after = await Cli.RunAsync(restarted.Address, null, "topic", "describe", "orders");
        Assert.Equal(["retention\t12h\ttopic", "retention-bytes\tnone\tdefault"], RetentionLines(after.Stdout));
    }

    [Fact]
    public async Task Consume_from_a_time_reads_from_the_first_message_stamped_since()
    {
        await using var broker = await BrokerProcess.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await using (var connection = await BrokerConnection.ConnectAsync(broker.Address))
        {
            await connection.CreateTopicAsync("orders", 2);
            await connection.PublishAsync("orders", 0, Batch(now.AddDays(-2), "old-a", "old-b"));
            await connection.PublishAsync("orders", 1, Batch(now.AddDays(-2), "old-c"));
            await connection.PublishAsync("orders", 0, Batch(now.AddMinutes(-5), "recent-a"));
            await connection.PublishAsync("orders", 1, Batch(now.AddMinutes(-1), "recent-c"));
        }

        var ago = await Cli.RunAsync(broker.Address, null, "consume", "orders", "--from", "-1h", "--timeout", "1s");
        var since = await Cli.RunAsync(broker.Address, null, "consume", "orders", "--from",
            now.AddDays(-3).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), "--timeout", "1s");

        Assert.Equal(0, ago.ExitCode);
        Assert.Equal(["recent-a", "recent-c"], ago.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Equal(5, since.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task The_operations_guide_sample_runs_and_the_guide_shows_it_verbatim()
    {
        await using var broker = await BrokerProcess.StartAsync();
        string server = broker.Address;
        // sample-begin
        await using var conn = await BrokerConnection.ConnectAsync(server);
        await conn.CreateTopicAsync("clicks", 4, new TopicOptions { Retention = TimeSpan.FromDays(7), RetentionBytes = 10L << 30 });
        await conn.AlterTopicAsync("clicks", new TopicOptions { Retention = TimeSpan.FromDays(30) });
        var clicks = await conn.GetTopicMetadataAsync("clicks", includeRetention: true);
        Console.WriteLine($"keeps {clicks.Retention!.MaxAge} per message, {clicks.Retention.MaxBytes} bytes per partition");

        await using var reader = new TopicReader(server, "clicks",
            new TopicReaderOptions { Group = "stats", Start = StartPosition.At(DateTimeOffset.UtcNow.AddMinutes(-15)) });
        reader.MessagesSkipped += skipped => Console.WriteLine($"retention deleted {skipped.Count} messages before they were read");
        // sample-end

        Assert.Equal(new TopicRetentionInfo(TimeSpan.FromDays(30), 10L << 30, AgeIsTopics: true, BytesIsTopics: true), clicks.Retention);
        var now = DateTimeOffset.UtcNow;
        await conn.PublishAsync("clicks", 0, Batch(now.AddHours(-1), "old"));
        await conn.PublishAsync("clicks", 0, Batch(now.AddMinutes(-2), "new"));
        await reader.StartAsync();
        Assert.Equal(1, reader.GetPosition(0));
        Assert.Equal(0, reader.GetPosition(1));
        Assert.Contains(DocSample.Marked(), DocSample.Document("OPERATIONS.md"));
    }

    [Fact]
    public async Task A_topic_with_a_size_limit_loses_its_oldest_segments_and_a_reader_continues_from_the_start()
    {
        await using var broker = await BrokerProcess.StartAsync(null, 0, "--segment-bytes", "4KiB");
        await using var conn = await BrokerConnection.ConnectAsync(broker.Address);
        await conn.CreateTopicAsync("logs", 1, new TopicOptions { RetentionBytes = 8192 });
        await conn.PublishAsync("logs", 0, TestBatches.Make(records: 5, valueBytes: 200));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // The group "audit" reads one message and commits: its position (1) is then deleted under it.
        await using (var first = new TopicReader(broker.Address, "logs", new TopicReaderOptions { Group = "audit" }))
        {
            await foreach (var message in first.ReadAllAsync(limit.Token))
            {
                await first.CommitAsync();
                break;
            }
        }
        for (int i = 0; i < 40; i++)
            await conn.PublishAsync("logs", 0, TestBatches.Make(records: 5, valueBytes: 200));

        long start = 0;
        await Eventually.HoldsAsync(async () =>
        {
            start = (await conn.GetTopicMetadataAsync("logs")).Partitions[0].StartOffset;
            return start > 1;
        }, "retention deleted the oldest segments");

        var described = await Cli.RunAsync(broker.Address, null, "topic", "describe", "logs");
        Assert.Contains($"partition\t0\t{start}\t205", described.Stdout);
        await using var reader = new TopicReader(broker.Address, "logs", new TopicReaderOptions { Group = "audit" });
        await foreach (var message in reader.ReadAllAsync(limit.Token))
        {
            Assert.True(message.Offset >= start, $"read offset {message.Offset}, below the log start {start}");
            break;
        }
        // The group resumed at 1, below the log start: the reader says how many messages it could not read.
        Assert.True(reader.SkippedMessages >= start - 1, $"the reader counted {reader.SkippedMessages} skipped messages, the group was at 1 and the log starts at {start}");
    }
}
