using System.Text;
using FastBroker.Server.Subscriptions;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>The filtered subscriptions of a topic are judged in one shared scan, each within its own window.</summary>
public sealed class FilterScannerTests : IAsyncLifetime
{
    private const long Holder = 1;
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private static SubscriptionSettings Filtered(string filter) => QueueBroker.Settings() with { Filter = filter };

    // One batch of messages keyed as given, each valued as its key.
    private Task<long> PublishAsync(params string[] keys)
    {
        using var builder = new RecordBatchBuilder();
        foreach (string key in keys)
            builder.Append(_broker.NowMs, hasKey: true, Encoding.UTF8.GetBytes(key), default, Encoding.UTF8.GetBytes(key));
        return _broker.PublishAsync("orders", 0, builder.Seal().Span);
    }

    private bool Behind(SharedSubscription subscription)
        => subscription.TryGetScanWindow(0, _broker.Journal("orders").CommittedEndOffset, out _, out _);

    private static List<(long, string)> Receive(SharedSubscription subscription)
        => QueueBroker.Receive(subscription, Holder, 100).Select(m => (m.Offset, m.Value)).ToList();

    [Fact]
    public async Task One_scan_judges_every_filtered_subscription_of_the_topic()
    {
        var eu = await _broker.CreateQueueAsync("orders", "eu", Filtered("key ~ \"eu.#\""));
        var us = await _broker.CreateQueueAsync("orders", "us", Filtered("key ~ \"us.#\""));
        var all = await _broker.CreateQueueAsync("orders", "all", QueueBroker.Settings());
        await PublishAsync("eu.1", "us.2", "eu.3", "us.4", "us.5", "eu.6");
        Assert.True(Behind(eu));
        Assert.True(Behind(us));

        Assert.True(eu.Scan(0, SharedSubscription.TickScanBytes));

        // The scan eu asked for judged us's messages too, and settled the ones us's filter excludes.
        Assert.False(Behind(eu));
        Assert.False(Behind(us));
        Assert.Equal(3, us.Stats().Filtered);
        Assert.Equal(3, eu.Stats().Filtered);
        Assert.Same(eu.Scanner, us.Scanner);
        Assert.Equal([eu, us], eu.Scanner.Members);
        Assert.Equal([(1L, "us.2"), (3L, "us.4"), (4L, "us.5")], Receive(us));
        Assert.Equal([(0L, "eu.1"), (2L, "eu.3"), (5L, "eu.6")], Receive(eu));
        Assert.Equal(6, Receive(all).Count);
    }

    [Fact]
    public async Task Each_subscription_is_judged_from_its_own_frontier_only()
    {
        var early = await _broker.CreateQueueAsync("orders", "early", Filtered("key ~ \"eu.#\""));
        await PublishAsync("eu.a", "us.b");
        // Created now, it starts at offset 2: offsets 0-1 belong to the topic's history, not to it.
        var late = await _broker.CreateQueueAsync("orders", "late", Filtered("key ~ \"eu.#\""));
        await PublishAsync("eu.c", "us.d", "eu.e");

        Assert.True(late.Scan(0, SharedSubscription.TickScanBytes));

        Assert.False(Behind(early));
        Assert.False(Behind(late));
        Assert.Equal(2, early.Stats().Filtered);
        Assert.Equal(1, late.Stats().Filtered);
        Assert.Equal([(0L, "eu.a"), (2L, "eu.c"), (4L, "eu.e")], Receive(early));
        Assert.Equal([(2L, "eu.c"), (4L, "eu.e")], Receive(late));
    }

    [Fact]
    public async Task A_scan_with_a_small_budget_moves_each_frontier_only_as_far_as_it_read()
    {
        var eu = await _broker.CreateQueueAsync("orders", "eu", Filtered("key ~ \"eu.#\""));
        var us = await _broker.CreateQueueAsync("orders", "us", Filtered("key ~ \"us.#\""));
        await PublishAsync("eu.1", "us.2");
        long firstEnd = _broker.Journal("orders").CommittedEndOffset;
        // Batches larger than one scan chunk (256 KiB) and a budget of one byte: one chunk per scan.
        for (int i = 0; i < 3; i++)
            await PublishAsync(Enumerable.Range(0, 3_000).Select(k => k % 2 == 0 ? $"eu.{k:D60}" : $"us.{k:D60}").ToArray());

        Assert.True(eu.Scan(0, 1));
        Assert.True(us.TryGetScanWindow(0, _broker.Journal("orders").CommittedEndOffset, out long usFrom, out _));
        Assert.True(eu.TryGetScanWindow(0, _broker.Journal("orders").CommittedEndOffset, out long euFrom, out _));
        Assert.Equal(euFrom, usFrom);
        Assert.InRange(usFrom, firstEnd, 9_001);

        for (int i = 0; i < 10 && Behind(eu); i++) us.Scan(0, 1);

        Assert.False(Behind(eu));
        Assert.False(Behind(us));
        Assert.Equal(4_501, eu.Stats().Filtered);
        Assert.Equal(4_501, us.Stats().Filtered);
    }

    [Fact]
    public async Task A_deleted_subscription_leaves_the_scan_and_the_others_are_still_judged()
    {
        var eu = await _broker.CreateQueueAsync("orders", "eu", Filtered("key ~ \"eu.#\""));
        await _broker.CreateQueueAsync("orders", "us", Filtered("key ~ \"us.#\""));
        Assert.True(_broker.Registry.TryGet("orders", out var topic));

        var (code, message) = await _broker.Set(topic).DeleteAsync("us");

        Assert.True(code == Wire.ErrorCode.None, message);
        Assert.Equal([eu], eu.Scanner.Members);
        await PublishAsync("us.1", "eu.2");
        Assert.True(eu.Scan(0, SharedSubscription.TickScanBytes));
        Assert.Equal([(1L, "eu.2")], Receive(eu));
    }
}
