using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Tests.Topics;

/// <summary>Every topic has a random id, stored in its topic.meta, so a topic created again under a deleted one's name
/// can be told from it (PROTOCOL.md 5.5, 5.6).</summary>
public sealed class TopicIdTests : IAsyncLifetime
{
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private string MetaPath(string topic) => Path.Combine(_broker.Root, "topics", topic, "topic.meta");

    [Fact]
    public async Task A_created_topic_has_an_id_in_its_meta_that_a_restart_keeps()
    {
        var created = await _broker.CreateTopicAsync("orders", 2);
        Guid id = created.Id;

        await _broker.RestartAsync();

        Assert.NotEqual(Guid.Empty, id);
        Assert.Contains($"id={id:N}", File.ReadAllLines(MetaPath("orders")));
        Assert.True(_broker.Registry.TryGet("orders", out var reopened));
        Assert.Equal(id, reopened.Id);
        Assert.Equal((id, 2), _broker.Registry.List().Select(t => (t.Id, t.Partitions)).Single());
    }

    [Fact]
    public async Task A_topic_deleted_and_created_again_under_the_same_name_has_another_id()
    {
        var first = await _broker.CreateTopicAsync("orders", 1);
        var (code, message) = await _broker.Registry.DeleteAsync("orders");
        Assert.True(code == ErrorCode.None, message);

        var second = await _broker.CreateTopicAsync("orders", 3);

        Assert.NotEqual(first.Id, second.Id);
        Assert.NotEqual(Guid.Empty, second.Id);
    }

    [Fact]
    public async Task A_topic_from_a_broker_without_ids_gets_one_when_opened_and_keeps_it()
    {
        await _broker.CreateTopicAsync("legacy", 2);
        await _broker.PublishAsync("legacy", 1, "kept");
        await _broker.RestartAsync(() => File.WriteAllText(MetaPath("legacy"), "partitions=2\n"));

        Assert.True(_broker.Registry.TryGet("legacy", out var loaded));
        Guid assigned = loaded.Id;
        Assert.NotEqual(Guid.Empty, assigned);
        Assert.Equal(["partitions=2", $"id={assigned:N}"], File.ReadAllLines(MetaPath("legacy")));

        await _broker.RestartAsync();

        Assert.True(_broker.Registry.TryGet("legacy", out var again));
        Assert.Equal(assigned, again.Id);
        Assert.Equal(2, again.Partitions.Length);
        Assert.Single(_broker.ReadAll("legacy", 1));
    }

    [Fact]
    public async Task A_temporary_topic_has_an_id_too()
    {
        var (code, message, topic) = await _broker.Registry.CreateAsync("fb.reply.x", 1, TopicFlags.Temporary);
        Assert.True(code == ErrorCode.None, message);

        Assert.NotEqual(Guid.Empty, topic!.Id);
        Assert.Equal(["partitions=1", $"id={topic.Id:N}", "temporary=1"], File.ReadAllLines(MetaPath("fb.reply.x")));
    }
}
