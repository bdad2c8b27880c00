using FastBroker.Server.Journal;
using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Tests.Sessions;

/// <summary>CreateTopic with retention, AlterTopic, TopicMetadata with retention, ListOffsets, and the offsets an
/// OffsetOutOfRange carries (PROTOCOL.md 5.3, 5.6, 5.11, 5.23, 5.24).</summary>
public sealed class RetentionSessionTests : IAsyncLifetime
{
    // Small segments, so a trim can move a partition's start.
    private readonly QueueBroker _broker = new(new JournalOptions { SegmentBytes = 4096 });
    private SessionHarness _session = null!;

    public async Task InitializeAsync() => _session = await SessionHarness.StartAsync(_broker);

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        await _broker.DisposeAsync();
    }

    private async Task<(long Ms, long Bytes, RetentionSource Source)> RetentionOfAsync(string topic)
    {
        byte[] name = System.Text.Encoding.ASCII.GetBytes(topic);
        var answer = await _session.RequestAsync(w => FrameWriter.WriteTopicMetadata(w, 90, name, TopicQueryFlags.WithRetention));
        Assert.Equal(Opcode.TopicMetadata, answer.Header.Opcode);
        Assert.True(TopicMetadataResponseReader.TryCreate(answer.Body, withId: false, withRetention: true, out var reader));
        return (reader.RetentionMs, reader.RetentionBytes, reader.RetentionSource);
    }

    [Fact]
    public async Task CreateTopic_with_retention_is_reported_by_TopicMetadata_only_when_asked()
    {
        var created = await _session.RequestAsync(w => FrameWriter.WriteCreateTopic(w, 2, "orders"u8, 2, TopicFlags.None, 86_400_000, TopicRetention.BrokerDefault));
        var plain = await _session.RequestAsync(w => FrameWriter.WriteTopicMetadata(w, 3, "orders"u8, TopicQueryFlags.None));
        var both = await _session.RequestAsync(w => FrameWriter.WriteTopicMetadata(w, 4, "orders"u8, TopicQueryFlags.WithTopicIds | TopicQueryFlags.WithRetention));

        Assert.Equal(ErrorCode.None, created.ErrorCode);
        Assert.Equal(4 + 2 * 16, plain.Body.Length);
        Assert.True(TopicMetadataResponseReader.TryCreate(both.Body, withId: true, withRetention: true, out var reader));
        Assert.True(_broker.Registry.TryGet("orders", out var topic));
        Assert.Equal(topic.Id, reader.TopicId);
        Assert.Equal((86_400_000L, 0L, RetentionSource.TopicAge), (reader.RetentionMs, reader.RetentionBytes, reader.RetentionSource));
        Assert.All(topic.Partitions, p => Assert.Equal((86_400_000L, 0L), p.Retention));
    }

    [Fact]
    public async Task CreateTopic_with_a_bad_retention_is_InvalidArgument_and_creates_nothing()
    {
        var answer = await _session.RequestAsync(w => FrameWriter.WriteCreateTopic(w, 2, "orders"u8, 1, TopicFlags.None, TopicRetention.Unchanged, 0));

        Assert.Equal(ErrorCode.InvalidArgument, answer.ErrorCode);
        Assert.False(_broker.Registry.TryGet("orders", out _));
    }

    [Fact]
    public async Task AlterTopic_changes_what_it_names_durably_and_resets_to_the_default()
    {
        await _broker.CreateTopicAsync("orders", 1);

        var set = await _session.RequestAsync(w => FrameWriter.WriteAlterTopic(w, 2, "orders"u8, 5_000, 8192));
        var bytesOnly = await _session.RequestAsync(w => FrameWriter.WriteAlterTopic(w, 3, "orders"u8, TopicRetention.Unchanged, 0));

        Assert.Equal(Opcode.AlterTopic, set.Header.Opcode);
        Assert.Empty(set.Body);
        Assert.Equal(ErrorCode.None, bytesOnly.ErrorCode);
        Assert.Equal((5_000L, 0L, RetentionSource.TopicAge | RetentionSource.TopicBytes), await RetentionOfAsync("orders"));

        await _session.DisposeAsync();
        await _broker.RestartAsync();
        _session = await SessionHarness.StartAsync(_broker);
        Assert.True(_broker.Registry.TryGet("orders", out var reopened));
        Assert.Equal((5_000L, 0L), (reopened.OwnRetentionMs, reopened.OwnRetentionBytes));
        Assert.Equal((5_000L, 0L, RetentionSource.TopicAge | RetentionSource.TopicBytes), await RetentionOfAsync("orders"));

        var reset = await _session.RequestAsync(w => FrameWriter.WriteAlterTopic(w, 4, "orders"u8, TopicRetention.BrokerDefault, TopicRetention.BrokerDefault));
        Assert.Equal(ErrorCode.None, reset.ErrorCode);
        Assert.Equal((0L, 0L, RetentionSource.BrokerDefaults), await RetentionOfAsync("orders"));
    }

    [Fact]
    public async Task AlterTopic_errors_follow_the_precedence_of_section_3_1()
    {
        await _broker.CreateTopicAsync("orders", 1);

        var badName = await _session.RequestAsync(w => FrameWriter.WriteAlterTopic(w, 2, "no such"u8, -9, 1));
        var unknown = await _session.RequestAsync(w => FrameWriter.WriteAlterTopic(w, 3, "nope"u8, -9, 1));
        var badValue = await _session.RequestAsync(w => FrameWriter.WriteAlterTopic(w, 4, "orders"u8, 1, -3));
        // One byte short: the length prefix says so too.
        byte[] cut = SessionHarness.Encode(w => FrameWriter.WriteAlterTopic(w, 5, "orders"u8, 1, 1))[..^1];
        cut[0]--;
        await _session.SendAsync(cut);
        var malformed = await _session.NextAsync();

        Assert.Equal(ErrorCode.InvalidTopicName, badName.ErrorCode);
        Assert.Equal(ErrorCode.UnknownTopic, unknown.ErrorCode);
        Assert.Equal(ErrorCode.InvalidArgument, badValue.ErrorCode);
        Assert.Equal(ErrorCode.MalformedFrame, malformed!.ErrorCode);
    }

    [Fact]
    public async Task ListOffsets_finds_the_first_record_at_or_after_a_time_and_the_bounds()
    {
        await _broker.CreateTopicAsync("orders", 2);
        long t0 = _broker.NowMs;
        await _broker.PublishAsync("orders", 0, "a", "b", "c");
        _broker.Advance(TimeSpan.FromMinutes(1));
        long t1 = _broker.NowMs;
        await _broker.PublishAsync("orders", 0, "d", "e");

        var answer = await _session.RequestAsync(w => FrameWriter.WriteListOffsets(w, 2, "orders"u8,
            [(0, t1), (0, t0), (0, t0 - 1), (0, t1 + 1), (0, ListOffsetsRequest.Latest), (0, ListOffsetsRequest.Earliest), (1, t0)]));

        Assert.Equal(Opcode.ListOffsets, answer.Header.Opcode);
        Assert.True(ListOffsetsResponseReader.TryCreate(answer.Body, out var reader));
        var found = new List<(uint, long)>();
        while (reader.TryReadNext(out uint partition, out long offset)) found.Add((partition, offset));
        Assert.Equal([(0u, 3L), (0u, 0L), (0u, 0L), (0u, 5L), (0u, 5L), (0u, 0L), (1u, 0L)], found);
    }

    [Fact]
    public async Task ListOffsets_errors_follow_the_precedence_of_section_3_1()
    {
        await _broker.CreateTopicAsync("orders", 2);

        var unknown = await _session.RequestAsync(w => FrameWriter.WriteListOffsets(w, 2, "nope"u8, [(0, -9)]));
        var partition = await _session.RequestAsync(w => FrameWriter.WriteListOffsets(w, 3, "orders"u8, [(0, -9), (2, 0)]));
        var timestamp = await _session.RequestAsync(w => FrameWriter.WriteListOffsets(w, 4, "orders"u8, [(0, 0), (1, -3)]));
        var none = await _session.RequestAsync(w => FrameWriter.WriteListOffsets(w, 5, "orders"u8, []));

        Assert.Equal(ErrorCode.UnknownTopic, unknown.ErrorCode);
        Assert.Equal(ErrorCode.UnknownPartition, partition.ErrorCode);
        Assert.Equal(ErrorCode.InvalidArgument, timestamp.ErrorCode);
        Assert.Equal(ErrorCode.InvalidArgument, none.ErrorCode);
    }

    [Fact]
    public async Task A_fetch_outside_the_log_gets_OffsetOutOfRange_with_the_partitions_bounds()
    {
        var topic = await _broker.CreateTopicAsync("orders", 1);
        await _broker.PublishManyAsync("orders", 0, 400, perBatch: 20);
        var journal = _broker.Journal("orders");
        Assert.True(journal.SegmentCount > 2, "the test needs several segments");
        topic.Partitions[0].RequestTrim(200);
        await QueueBroker.EventuallyAsync(() => journal.StartOffset > 0, "the trim moved the start");
        long start = journal.StartOffset, end = journal.CommittedEndOffset;

        var below = await _session.RequestAsync(w => FrameWriter.WriteFetch(w, 2, "orders"u8, 0, 0, 1024, 0));
        var above = await _session.RequestAsync(w => FrameWriter.WriteFetch(w, 3, "orders"u8, 0, end + 1, 1024, 0));
        var filtered = await _session.RequestAsync(w => FrameWriter.WriteFetchFiltered(w, 4, "orders"u8, 0, start - 1, 1024, 0, "key = \"x\""u8));
        var inside = await _session.RequestAsync(w => FrameWriter.WriteFetch(w, 5, "orders"u8, 0, start, 1024, 0));

        foreach (var answer in new[] { below, above, filtered })
        {
            Assert.True(ErrorResponse.TryParse(answer.Body, out var error));
            Assert.Equal(ErrorCode.OffsetOutOfRange, error.Code);
            Assert.True(error.HasOffsets);
            Assert.Equal((start, end), (error.LogStartOffset, error.LogEndOffset));
        }
        Assert.Equal(Opcode.Fetch, inside.Header.Opcode);
    }
}
