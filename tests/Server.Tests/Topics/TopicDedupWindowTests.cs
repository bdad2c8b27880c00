using FastBroker.Server.Journal;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Topics;

/// <summary>A topic's own deduplication window lives in its topic.meta; without it the topic follows the broker's
/// default, and every partition is told the effective window at load, create and alter (PROTOCOL.md 5.3, 5.23, 6.8).</summary>
public sealed class TopicDedupWindowTests : IDisposable
{
    private const long DefaultMs = 7_200_000;
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"fb-dedup-window-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private TopicRegistry Open(long defaultMs = DefaultMs) => TopicRegistry.Open(_data,
        new JournalOptions { DedupWindow = TimeSpan.FromMilliseconds(defaultMs) }, NullLogger.Instance, new FakeTimeProvider(), RetentionDefaults.Unlimited);

    private string MetaPath(string topic) => Path.Combine(_data, "topics", topic, "topic.meta");

    private static Topic Get(TopicRegistry registry, string name)
    {
        Assert.True(registry.TryGet(name, out var topic));
        return topic;
    }

    [Fact]
    public async Task An_own_window_is_stored_in_the_meta_and_survives_a_reopen()
    {
        await using (var registry = Open())
        {
            var (code, message, topic) = await registry.CreateAsync("orders", 2, TopicFlags.None, TopicRetention.BrokerDefault, TopicRetention.BrokerDefault, 600_000);
            Assert.True(code == ErrorCode.None, message);
            Assert.All(topic!.Partitions, p => Assert.Equal(600_000, p.DedupWindowMs));
        }

        Assert.Contains("dedup.window.ms=600000", File.ReadAllLines(MetaPath("orders")));
        await using var reopened = Open();
        var orders = Get(reopened, "orders");
        Assert.Equal((600_000L, true), reopened.EffectiveDedupWindow(orders));
        Assert.All(orders.Partitions, p => Assert.Equal(600_000, p.DedupWindowMs));
    }

    [Fact]
    public async Task Without_an_own_window_a_topic_follows_the_default_of_each_start()
    {
        await using (var registry = Open())
        {
            await registry.CreateAsync("orders", 1);
            Assert.Equal((DefaultMs, false), registry.EffectiveDedupWindow(Get(registry, "orders")));
        }
        Assert.DoesNotContain(File.ReadAllLines(MetaPath("orders")), l => l.StartsWith("dedup.", StringComparison.Ordinal));

        await using var reopened = Open(defaultMs: 0);
        var orders = Get(reopened, "orders");
        Assert.Equal((0L, false), reopened.EffectiveDedupWindow(orders));
        Assert.Equal(0, orders.Partitions[0].DedupWindowMs);
    }

    [Fact]
    public async Task Alter_sets_turns_off_keeps_and_resets_the_window()
    {
        await using var registry = Open();
        await registry.CreateAsync("orders", 1);
        var orders = Get(registry, "orders");

        Assert.Equal(ErrorCode.None, (await registry.AlterAsync("orders", TopicRetention.Unchanged, TopicRetention.Unchanged, 0)).Code);
        Assert.Equal((0L, true), registry.EffectiveDedupWindow(orders));
        Assert.Equal(0, orders.Partitions[0].DedupWindowMs);

        Assert.Equal(ErrorCode.None, (await registry.AlterAsync("orders", 1000, TopicRetention.Unchanged)).Code);
        Assert.Equal((0L, true), registry.EffectiveDedupWindow(orders));

        Assert.Equal(ErrorCode.None, (await registry.AlterAsync("orders", TopicRetention.Unchanged, TopicRetention.Unchanged, TopicRetention.BrokerDefault)).Code);
        Assert.Equal((DefaultMs, false), registry.EffectiveDedupWindow(orders));
        Assert.Equal(DefaultMs, orders.Partitions[0].DedupWindowMs);
    }

    [Fact]
    public async Task A_negative_window_other_than_the_markers_is_refused()
    {
        await using var registry = Open();
        var created = await registry.CreateAsync("orders", 1, TopicFlags.None, TopicRetention.BrokerDefault, TopicRetention.BrokerDefault, TopicRetention.Unchanged);
        await registry.CreateAsync("other", 1);
        var altered = await registry.AlterAsync("other", TopicRetention.Unchanged, TopicRetention.Unchanged, -3);

        Assert.Equal(ErrorCode.InvalidArgument, created.Code);
        Assert.Equal(ErrorCode.InvalidArgument, altered.Code);
        Assert.False(registry.TryGet("orders", out _));
    }
}
