using System.Text;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Tests.Subscriptions;

public sealed class SubscriptionSetTests : IAsyncLifetime
{
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    public static TheoryData<string, SubscriptionSettings, ErrorCode> BadCreates => new()
    {
        { "bad name", QueueBroker.Settings(), ErrorCode.InvalidTopicName },
        { "", QueueBroker.Settings(), ErrorCode.InvalidTopicName },
        { "ok", QueueBroker.Settings(dlq: "no/slashes"), ErrorCode.InvalidTopicName },
        { "ok", QueueBroker.Settings(dlq: "orders"), ErrorCode.InvalidArgument },
        { "ok", QueueBroker.Settings(visibilityMs: 0), ErrorCode.InvalidArgument },
        { "ok", QueueBroker.Settings(visibilityMs: Protocol.MaxVisibilityTimeoutMs + 1), ErrorCode.InvalidArgument },
        { "ok", QueueBroker.Settings(maxDeliveries: 0), ErrorCode.InvalidArgument },
        { "ok", QueueBroker.Settings(maxDeliveries: Protocol.MaxDeliveriesLimit + 1), ErrorCode.InvalidArgument },
        { "ok", QueueBroker.Settings(maxInFlight: 0), ErrorCode.InvalidArgument },
        { "ok", QueueBroker.Settings(ackMode: (AckMode)7), ErrorCode.InvalidArgument },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task Create_refuses_bad_names_and_settings(string name, SubscriptionSettings settings, ErrorCode expected)
    {
        var topic = await _broker.CreateTopicAsync("orders");
        var (code, message) = await _broker.Set(topic).CreateAsync(name, settings);
        Assert.Equal(expected, code);
        Assert.NotEmpty(message);
        Assert.Equal(0, _broker.Set(topic).Count);
        Assert.False(Directory.Exists(Path.Combine(topic.Directory, "subscriptions", "ok")));
    }

    [Fact]
    public async Task Create_refuses_a_name_already_taken()
    {
        var topic = await _broker.CreateTopicAsync("orders");
        Assert.Equal(ErrorCode.None, (await _broker.Set(topic).CreateAsync("orders", QueueBroker.Settings())).Code);
        var (code, message) = await _broker.Set(topic).CreateAsync("orders", QueueBroker.Settings(visibilityMs: 5));
        Assert.Equal(ErrorCode.SubscriptionExists, code);
        Assert.Contains("orders", message);
        Assert.Equal(30_000u, _broker.Subscription("orders", "orders").Settings.VisibilityTimeoutMs);
    }

    [Fact]
    public async Task The_default_dead_letter_topic_depends_on_whether_the_subscription_is_the_queue()
    {
        await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await _broker.CreateQueueAsync("orders", "billing", QueueBroker.Settings());
        Assert.Equal("orders.dlq", _broker.Subscription("orders", "orders").Settings.DeadLetterTopic);
        Assert.Equal("orders.billing.dlq", _broker.Subscription("orders", "billing").Settings.DeadLetterTopic);
    }

    [Fact]
    public async Task Subscriptions_and_their_settings_survive_a_restart()
    {
        var settings = QueueBroker.Settings(visibilityMs: 1_234, maxDeliveries: 9, maxInFlight: 77, ackMode: AckMode.None, dlq: "graveyard");
        await _broker.CreateQueueAsync("orders", "billing", settings, partitions: 2);
        await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());

        await _broker.RestartAsync();

        Assert.True(_broker.Registry.TryGet("orders", out var topic));
        Assert.Equal(2, _broker.Set(topic).Count);
        var billing = _broker.Subscription("orders", "billing");
        Assert.Equal(settings, billing.Settings);
        Assert.Equal(2, billing.PartitionCount);
        Assert.Equal("orders", billing.TopicName);
    }

    [Fact]
    public async Task A_subscription_directory_without_valid_settings_is_skipped_at_start()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        string broken = Path.Combine(Path.GetDirectoryName(queue.Directory)!, "broken");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, "subscription.meta"), "visibility_ms=0\n");

        await _broker.RestartAsync();

        Assert.True(_broker.Registry.TryGet("orders", out var topic));
        Assert.Equal(1, _broker.Set(topic).Count);
        Assert.False(_broker.Set(topic).TryGet("broken"u8, out _));
    }

    [Fact]
    public async Task Delete_removes_the_subscription_and_its_state_and_a_new_one_starts_at_the_log_end()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await _broker.PublishAsync("orders", 0, "x", "y");
        QueueBroker.Receive(queue, 1, max: 2);
        await QueueBroker.AckAsync(queue, (0, 2));
        Assert.True(_broker.Registry.TryGet("orders", out var topic));

        Assert.Equal(ErrorCode.None, (await _broker.Set(topic).DeleteAsync("orders")).Code);
        Assert.True(queue.IsClosed);
        Assert.False(Directory.Exists(queue.Directory));
        Assert.False(_broker.Set(topic).TryGet("orders"u8, out _));
        Assert.Equal(ErrorCode.UnknownSubscription, (await _broker.Set(topic).DeleteAsync("orders")).Code);
        Assert.False(queue.TryDeliver(1, 10, 1 << 20, 1_000, Opcode.Receive, FrameFlags.Response, 1, out _));

        var again = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        Assert.Empty(QueueBroker.Receive(again, 1, max: 10));
        await _broker.PublishAsync("orders", 0, "z");
        Assert.Equal(["z"], QueueBroker.Receive(again, 1, max: 10).Select(m => m.Value));
    }

    [Fact]
    public async Task Lookup_by_utf8_name_finds_only_exact_ascii_names()
    {
        await _broker.CreateQueueAsync("orders", "billing", QueueBroker.Settings());
        Assert.True(_broker.Registry.TryGet("orders", out var topic));
        Assert.True(_broker.Set(topic).TryGet("billing"u8, out var found));
        Assert.Equal("billing", found.Name);
        Assert.False(_broker.Set(topic).TryGet("Billing"u8, out _));
        Assert.False(_broker.Set(topic).TryGet(""u8, out _));
        Assert.False(_broker.Set(topic).TryGet(Encoding.UTF8.GetBytes("billïng"), out _));
        Assert.False(_broker.Set(topic).TryGet(new byte[Protocol.MaxTopicNameBytes + 1], out _));
    }
}
