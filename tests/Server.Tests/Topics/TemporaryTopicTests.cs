using FastBroker.Server.Tests.Sessions;
using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Tests.Topics;

/// <summary>Temporary topics (PROTOCOL.md 5.3): owned by the connection that created them, gone when it closes or the broker restarts.</summary>
public sealed class TemporaryTopicTests : IAsyncLifetime
{
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private static Action<System.Buffers.IBufferWriter<byte>> Create(string name, TopicFlags flags, int partitions = 1)
        => w => FrameWriter.WriteCreateTopic(w, 7, System.Text.Encoding.ASCII.GetBytes(name), partitions, flags);

    [Fact]
    public async Task A_restart_deletes_a_temporary_topic_and_keeps_an_ordinary_one()
    {
        var (code, message, _) = await _broker.Registry.CreateAsync("fb.reply.a", 1, TopicFlags.Temporary);
        Assert.True(code == ErrorCode.None, message);
        await _broker.CreateTopicAsync("orders", 2);
        await _broker.PublishAsync("fb.reply.a", 0, "late reply");

        await _broker.RestartAsync();

        Assert.False(_broker.Registry.TryGet("fb.reply.a", out _));
        Assert.False(Directory.Exists(Path.Combine(_broker.Root, "topics", "fb.reply.a")));
        Assert.Equal(["fb.reply.a"], _broker.Registry.DroppedTemporaryTopics);
        Assert.True(_broker.Registry.TryGet("orders", out var orders));
        Assert.False(orders.Temporary);
        Assert.Equal(2, orders.Partitions.Length);
    }

    [Theory]
    [InlineData(0x02)]
    [InlineData(0x03)]
    [InlineData(0x80)]
    public async Task Reserved_flag_bits_are_InvalidArgument_and_create_nothing(byte flags)
    {
        var (code, _, topic) = await _broker.Registry.CreateAsync("t", 1, (TopicFlags)flags);

        Assert.Equal(ErrorCode.InvalidArgument, code);
        Assert.Null(topic);
        Assert.False(_broker.Registry.TryGet("t", out _));
        Assert.False(Directory.Exists(Path.Combine(_broker.Root, "topics", "t")));
    }

    [Fact]
    public async Task A_bad_name_is_reported_before_reserved_flag_bits()
    {
        var (code, _, _) = await _broker.Registry.CreateAsync("no/slash", 1, (TopicFlags)0x80);
        Assert.Equal(ErrorCode.InvalidTopicName, code);
        (code, _, _) = await _broker.Registry.CreateAsync("ok", 0, (TopicFlags)0x80);
        Assert.Equal(ErrorCode.InvalidArgument, code);
    }

    [Fact]
    public async Task Closing_the_owner_deletes_its_temporary_topics_only()
    {
        await using (var owner = await SessionHarness.StartAsync(_broker))
        {
            Assert.Equal(ErrorCode.None, (await owner.RequestAsync(Create("fb.reply.x", TopicFlags.Temporary))).ErrorCode);
            Assert.Equal(ErrorCode.None, (await owner.RequestAsync(Create("kept", TopicFlags.None))).ErrorCode);
            Assert.True(_broker.Registry.TryGet("fb.reply.x", out var temporary));
            Assert.True(temporary.Temporary);

            owner.Session.Complete();
            await owner.Session.OwnedTopicsDeleted.WaitAsync(QueueBroker.Patience);
        }

        Assert.False(_broker.Registry.TryGet("fb.reply.x", out _));
        Assert.True(_broker.Registry.TryGet("kept", out _));
        await _broker.RestartAsync();
        Assert.False(_broker.Registry.TryGet("fb.reply.x", out _));
        Assert.Empty(_broker.Registry.DroppedTemporaryTopics);
    }

    [Fact]
    public async Task Another_session_may_publish_to_a_temporary_topic_until_its_owner_closes()
    {
        await using var other = await SessionHarness.StartAsync(_broker);
        await using (var owner = await SessionHarness.StartAsync(_broker))
        {
            Assert.Equal(ErrorCode.None, (await owner.RequestAsync(Create("fb.reply.y", TopicFlags.Temporary))).ErrorCode);
            Assert.Equal(ErrorCode.None, (await other.RequestAsync(Publish("fb.reply.y"))).ErrorCode);
            owner.Session.Complete();
            await owner.Session.OwnedTopicsDeleted.WaitAsync(QueueBroker.Patience);
        }

        Assert.Equal(ErrorCode.UnknownTopic, (await other.RequestAsync(Publish("fb.reply.y"))).ErrorCode);
    }

    [Fact]
    public async Task An_owner_that_closes_leaves_a_newer_topic_of_the_same_name_alone()
    {
        await using var other = await SessionHarness.StartAsync(_broker);
        await using (var owner = await SessionHarness.StartAsync(_broker))
        {
            Assert.Equal(ErrorCode.None, (await owner.RequestAsync(Create("shared", TopicFlags.Temporary))).ErrorCode);
            Assert.Equal(ErrorCode.None, (await other.RequestAsync(w => FrameWriter.WriteTopicRequest(w, Opcode.DeleteTopic, 8, "shared"u8))).ErrorCode);
            Assert.Equal(ErrorCode.None, (await other.RequestAsync(Create("shared", TopicFlags.None, partitions: 3))).ErrorCode);
            owner.Session.Complete();
            await owner.Session.OwnedTopicsDeleted.WaitAsync(QueueBroker.Patience);
        }

        Assert.True(_broker.Registry.TryGet("shared", out var survivor));
        Assert.Equal(3, survivor.Partitions.Length);
    }

    private static Action<System.Buffers.IBufferWriter<byte>> Publish(string topic)
    {
        using var builder = new Wire.Records.RecordBatchBuilder();
        builder.Append(0, hasKey: false, default, default, "reply"u8);
        byte[] batch = builder.Seal().ToArray();
        return w => FrameWriter.WritePublish(w, 9, System.Text.Encoding.ASCII.GetBytes(topic), 0, batch);
    }
}
