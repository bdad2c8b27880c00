using System.Text;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Tests;

/// <summary>Topic retention through ClientLite (create, alter, metadata), time lookups (ListOffsets,
/// <see cref="StartPosition.At"/>), and a <see cref="TopicReader"/> continuing from the log start after retention.</summary>
public sealed class RetentionTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    private static byte[] StampedBatch(DateTimeOffset at, params string[] values)
    {
        using var builder = new RecordBatchBuilder();
        foreach (string value in values)
            builder.Append(at.ToUnixTimeMilliseconds(), hasKey: false, default, default, Encoding.UTF8.GetBytes(value));
        return builder.Seal().ToArray();
    }

    private static async Task<List<(long Offset, string Value)>> Take(TopicReader reader, int count)
    {
        var taken = new List<(long, string)>();
        await foreach (var message in reader.ReadAllAsync())
        {
            taken.Add((message.Offset, Encoding.UTF8.GetString(message.Value.Span)));
            if (taken.Count == count)
                break;
        }
        return taken;
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task CreateTopic_sends_the_retention_and_metadata_reports_it_with_its_source()
    {
        await using var broker = new FakeBroker();
        broker.Store.DefaultRetention = (0, 1 << 30);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        await connection.CreateTopicAsync("orders", 2, new TopicOptions { Retention = TimeSpan.FromDays(7) });
        var metadata = await connection.GetTopicMetadataAsync("orders", includeRetention: true);
        var plain = await connection.GetTopicMetadataAsync("orders");

        Assert.Equal((604_800_000L, TopicRetention.BrokerDefault), broker.Store.OwnRetention("orders"));
        Assert.Equal(new TopicRetentionInfo(TimeSpan.FromDays(7), 1L << 30, AgeIsTopics: true, BytesIsTopics: false), metadata.Retention);
        Assert.Null(plain.Retention);
        Assert.Equal(2, metadata.PartitionCount);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task CreateTopic_without_retention_sends_the_request_older_brokers_understand()
    {
        await using var broker = new FakeBroker();
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        await connection.CreateTopicAsync("orders", 1, options: null);

        var create = Assert.Single(broker.Requests, r => r.Opcode == Opcode.CreateTopic);
        Assert.Equal(2 + 6 + 4, create.BodyLength);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Forever_and_no_size_limit_are_sent_as_unlimited()
    {
        await using var broker = new FakeBroker();
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        await connection.CreateTopicAsync("orders", 1, new TopicOptions { Retention = TopicOptions.Forever, RetentionBytes = TopicOptions.NoSizeLimit });

        Assert.Equal((TopicRetention.Unlimited, TopicRetention.Unlimited), broker.Store.OwnRetention("orders"));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task AlterTopic_changes_what_is_set_keeps_what_is_null_and_resets_on_request()
    {
        await using var broker = new FakeBroker();
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await connection.CreateTopicAsync("orders", 1, new TopicOptions { Retention = TimeSpan.FromHours(1), RetentionBytes = 4096 });

        await connection.AlterTopicAsync("orders", new TopicOptions { RetentionBytes = 8192 });
        Assert.Equal((3_600_000L, 8192L), broker.Store.OwnRetention("orders"));

        await connection.AlterTopicAsync("orders", new TopicOptions { ResetRetention = true });
        Assert.Equal((TopicRetention.BrokerDefault, 8192L), broker.Store.OwnRetention("orders"));

        var unknown = await Assert.ThrowsAsync<BrokerException>(async () => await connection.AlterTopicAsync("nope", new TopicOptions { Retention = TimeSpan.FromHours(1) }));
        Assert.Equal(ErrorCode.UnknownTopic, unknown.Code);
        Assert.Throws<ArgumentException>(() => { _ = connection.AlterTopicAsync("orders", new TopicOptions { Retention = TimeSpan.FromHours(1), ResetRetention = true }); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = connection.CreateTopicAsync("x", 1, new TopicOptions { RetentionBytes = 0 }); });
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task GetOffsetsForTime_answers_per_partition()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders", 2);
        broker.Store.Append("orders", 0, StampedBatch(T0, "a", "b"));
        broker.Store.Append("orders", 0, StampedBatch(T0.AddMinutes(5), "c"));
        broker.Store.Append("orders", 1, StampedBatch(T0, "x"));
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        var offsets = await connection.GetOffsetsForTimeAsync("orders", T0.AddMinutes(1));
        var bounds = await connection.ListOffsetsAsync("orders", [(0, ListOffsetsRequest.Earliest), (0, ListOffsetsRequest.Latest)]);

        Assert.Equal([2L, 1L], offsets);
        Assert.Equal([(0, 0L), (0, 3L)], bounds);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task StartPosition_At_starts_each_partition_without_a_group_position_at_that_time()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders", 2);
        broker.Store.Append("orders", 0, StampedBatch(T0, "old-0", "old-1"));
        broker.Store.Append("orders", 0, StampedBatch(T0.AddHours(1), "new-2"));
        broker.Store.Append("orders", 1, StampedBatch(T0, "old-p1"));
        broker.Store.Append("orders", 1, StampedBatch(T0.AddHours(2), "new-p1"));
        await using (var seed = await BrokerConnection.ConnectAsync(broker.Endpoint))
            await seed.CommitPositionAsync("g", "orders", 1, 0);

        await using var reader = new TopicReader(broker.Endpoint, "orders",
            new TopicReaderOptions { Group = "g", Start = StartPosition.At(T0.AddMinutes(30)) });
        await reader.StartAsync();

        // Partition 0 has no group position: it starts at the first record stamped at or after the time. Partition 1
        // keeps the group's position.
        Assert.Equal(2, reader.GetPosition(0));
        Assert.Equal(0, reader.GetPosition(1));
        Assert.Equal(1, broker.Count(Opcode.ListOffsets));
        Assert.Equal(StartPositionKind.Time, StartPosition.At(T0).Kind);
        Assert.Equal(T0.ToUnixTimeMilliseconds(), StartPosition.At(T0).Value);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_reader_below_the_log_start_continues_from_it_and_counts_what_it_skipped()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders", 1);
        for (int i = 0; i < 4; i++)
            broker.Store.Append("orders", 0, TestBatches.Of($"m{2 * i}", $"m{2 * i + 1}"));
        await using var reader = new TopicReader(broker.Endpoint, "orders", new TopicReaderOptions { MaxBytes = 1 });
        var skipped = new List<SkippedRange>();
        reader.MessagesSkipped += skipped.Add;
        var first = await Take(reader, 1);

        // Retention deletes offsets 0..5 while the reader stands at 1 (m1 is not yielded yet).
        broker.Store.DropBefore("orders", 0, 6);
        var rest = await Take(reader, 2);

        Assert.Equal([(0L, "m0")], first);
        Assert.Equal([(6L, "m6"), (7L, "m7")], rest);
        Assert.Equal(5, reader.SkippedMessages);
        Assert.Equal([new SkippedRange("orders", 0, 1, 6)], skipped);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_group_reader_below_the_log_start_commits_from_the_start_on()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders", 1);
        for (int i = 0; i < 4; i++)
            broker.Store.Append("orders", 0, TestBatches.Of($"m{2 * i}", $"m{2 * i + 1}"));
        await using (var seed = await BrokerConnection.ConnectAsync(broker.Endpoint))
            await seed.CommitPositionAsync("g", "orders", 0, 1);
        broker.Store.DropBefore("orders", 0, 4);
        await using var reader = new TopicReader(broker.Endpoint, "orders", new TopicReaderOptions { Group = "g" });

        var read = await Take(reader, 1);
        await reader.CommitAsync();

        Assert.Equal([(4L, "m4")], read);
        Assert.Equal(3, reader.SkippedMessages);
        Assert.Equal(5, broker.Store.Position("g", "orders", 0));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_position_above_the_end_still_fails()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("orders", 1);
        broker.Store.Append("orders", 0, TestBatches.Of("m0"));
        await using (var seed = await BrokerConnection.ConnectAsync(broker.Endpoint))
            await seed.CommitPositionAsync("g", "orders", 0, 9);
        await using var reader = new TopicReader(broker.Endpoint, "orders", new TopicReaderOptions { Group = "g" });

        var error = await Assert.ThrowsAsync<BrokerException>(() => Take(reader, 1));

        Assert.Equal(ErrorCode.OffsetOutOfRange, error.Code);
        Assert.Equal((0L, 1L), (error.LogStartOffset, error.LogEndOffset));
        Assert.Equal(0, reader.SkippedMessages);
    }
}
