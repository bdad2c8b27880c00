using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Tests.Sessions;

/// <summary>ListTopics and TopicMetadata with and without the topic-ids flag, and DeleteTopic taking the group
/// positions with it (PROTOCOL.md 5.4-5.6).</summary>
public sealed class TopicIdSessionTests : IAsyncLifetime
{
    private readonly QueueBroker _broker = new();
    private SessionHarness _session = null!;

    public async Task InitializeAsync()
    {
        await _broker.CreateTopicAsync("orders", 2);
        _session = await SessionHarness.StartAsync(_broker);
    }

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        await _broker.DisposeAsync();
    }

    private Guid OrdersId => _broker.Registry.TryGet("orders", out var topic) ? topic.Id : Guid.Empty;

    [Fact]
    public async Task Ids_are_in_the_answers_only_when_the_request_asks()
    {
        var plainList = await _session.RequestAsync(w => FrameWriter.WriteListTopics(w, 1, TopicQueryFlags.None));
        var idList = await _session.RequestAsync(w => FrameWriter.WriteListTopics(w, 2, TopicQueryFlags.WithTopicIds));
        var plainMeta = await _session.RequestAsync(w => FrameWriter.WriteTopicMetadata(w, 3, "orders"u8, TopicQueryFlags.None));
        var idMeta = await _session.RequestAsync(w => FrameWriter.WriteTopicMetadata(w, 4, "orders"u8, TopicQueryFlags.WithTopicIds));

        Assert.True(ListTopicsResponseReader.TryCreate(plainList.Body, out var plain));
        Assert.True(plain.TryReadNext(out _, out int partitions));
        Assert.True(plain.IsComplete);
        Assert.Equal(2, partitions);
        Assert.True(ListTopicsResponseReader.TryCreate(idList.Body, withIds: true, out var withIds));
        Assert.True(withIds.TryReadNext(out _, out _, out Guid listed));
        Assert.True(withIds.IsComplete);
        Assert.Equal(OrdersId, listed);
        Assert.True(TopicMetadataResponseReader.TryCreate(plainMeta.Body, out var meta));
        Assert.Equal(2, meta.Count);
        Assert.True(TopicMetadataResponseReader.TryCreate(idMeta.Body, withId: true, out var metaWithId));
        Assert.Equal(OrdersId, metaWithId.TopicId);
    }

    [Theory]
    [InlineData((byte)0x08)]
    [InlineData((byte)0x81)]
    public async Task Reserved_flag_bits_are_InvalidArgument(byte flags)
    {
        var list = await _session.RequestAsync(w => FrameWriter.WriteListTopics(w, 1, (TopicQueryFlags)flags));
        var meta = await _session.RequestAsync(w => FrameWriter.WriteTopicMetadata(w, 2, "orders"u8, (TopicQueryFlags)flags));

        Assert.Equal(ErrorCode.InvalidArgument, list.ErrorCode);
        Assert.Equal(ErrorCode.InvalidArgument, meta.ErrorCode);
    }

    [Fact]
    public async Task The_retention_bit_is_reserved_in_ListTopics()
    {
        var list = await _session.RequestAsync(w => FrameWriter.WriteListTopics(w, 1, TopicQueryFlags.WithRetention));

        Assert.Equal(ErrorCode.InvalidArgument, list.ErrorCode);
    }

    [Fact]
    public async Task The_dedup_window_bit_is_reserved_in_ListTopics_and_answered_in_TopicMetadata()
    {
        var list = await _session.RequestAsync(w => FrameWriter.WriteListTopics(w, 1, TopicQueryFlags.WithDedupWindow));
        var meta = await _session.RequestAsync(w => FrameWriter.WriteTopicMetadata(w, 2, "orders"u8, TopicQueryFlags.WithDedupWindow));

        Assert.Equal(ErrorCode.InvalidArgument, list.ErrorCode);
        Assert.Equal(ErrorCode.None, meta.ErrorCode);
        Assert.True(TopicMetadataResponseReader.TryCreate(meta.Body, withId: false, withRetention: false, withDedupWindow: true, out var reader));
        Assert.False(reader.DedupWindowIsOwn);
    }

    [Fact]
    public async Task A_list_request_of_two_bytes_is_malformed()
    {
        var frame = SessionHarness.Encode(w => FrameWriter.WriteListTopics(w, 1, TopicQueryFlags.WithTopicIds));
        // Grow the body by one byte: length prefix + 1, one more byte at the end.
        byte[] longer = [.. frame, 0];
        longer[0]++;
        Assert.True(await _session.SendAsync(longer));

        var answer = await _session.NextAsync();

        Assert.Equal(ErrorCode.MalformedFrame, answer!.ErrorCode);
    }

    [Fact]
    public async Task A_deleted_topic_takes_its_group_positions_and_one_created_again_has_none()
    {
        var committed = await _session.RequestAsync(w => FrameWriter.WriteCommitPosition(w, 1, "g"u8, "orders"u8, 1, 40));
        Assert.Equal(ErrorCode.None, committed.ErrorCode);
        Guid before = OrdersId;

        var deleted = await _session.RequestAsync(w => FrameWriter.WriteTopicRequest(w, Opcode.DeleteTopic, 2, "orders"u8));
        // No wait between the answer and the next requests: the removal is done when DeleteTopic is answered.
        var created = await _session.RequestAsync(w => FrameWriter.WriteCreateTopic(w, 3, "orders"u8, 2));
        var read = await _session.RequestAsync(w => FrameWriter.WriteReadPosition(w, 4, "g"u8, "orders"u8, 1));

        Assert.Equal(ErrorCode.None, deleted.ErrorCode);
        Assert.Equal(ErrorCode.None, created.ErrorCode);
        Assert.True(OffsetResponse.TryParse(read.Body, out long position));
        Assert.Equal(Protocol.NoPosition, position);
        Assert.NotEqual(before, OrdersId);
    }
}
