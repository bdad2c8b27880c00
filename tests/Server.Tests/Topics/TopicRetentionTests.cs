using FastBroker.Server.Journal;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Topics;

/// <summary>A topic's own retention lives in its topic.meta; without it the topic follows the broker's defaults, and
/// every partition is told the effective values at load, create and alter (PROTOCOL.md 5.3, 5.23).</summary>
public sealed class TopicRetentionTests : IDisposable
{
    private static readonly RetentionDefaults Defaults = new(MaxAgeMs: 3_600_000, MaxBytes: 1 << 30);
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"fb-retention-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private TopicRegistry Open(RetentionDefaults defaults) => TopicRegistry.Open(_data, new JournalOptions(), NullLogger.Instance, new FakeTimeProvider(), defaults);

    private string MetaPath(string topic) => Path.Combine(_data, "topics", topic, "topic.meta");

    private static Topic Get(TopicRegistry registry, string name)
    {
        Assert.True(registry.TryGet(name, out var topic));
        return topic;
    }

    [Fact]
    public async Task Own_values_are_stored_in_the_meta_and_survive_a_reopen()
    {
        await using (var registry = Open(Defaults))
        {
            var (code, message, topic) = await registry.CreateAsync("orders", 2, TopicFlags.None, 604_800_000, TopicRetention.Unlimited);
            Assert.True(code == ErrorCode.None, message);
            Assert.All(topic!.Partitions, p => Assert.Equal((604_800_000L, 0L), p.Retention));
        }

        var lines = File.ReadAllLines(MetaPath("orders"));
        Assert.Contains("retention.ms=604800000", lines);
        Assert.Contains("retention.bytes=0", lines);
        await using var reopened = Open(Defaults);
        var orders = Get(reopened, "orders");
        Assert.Equal((604_800_000L, 0L, RetentionSource.TopicAge | RetentionSource.TopicBytes), reopened.EffectiveRetention(orders));
        Assert.All(orders.Partitions, p => Assert.Equal((604_800_000L, 0L), p.Retention));
    }

    [Fact]
    public async Task A_topic_without_own_values_follows_the_defaults_of_each_start()
    {
        await using (var registry = Open(RetentionDefaults.Unlimited))
        {
            var (code, message, _) = await registry.CreateAsync("orders", 1);
            Assert.True(code == ErrorCode.None, message);
            Assert.Equal((0L, 0L, RetentionSource.BrokerDefaults), registry.EffectiveRetention(Get(registry, "orders")));
        }

        Assert.DoesNotContain(File.ReadAllLines(MetaPath("orders")), l => l.StartsWith("retention", StringComparison.Ordinal));
        await using var reopened = Open(Defaults);
        var orders = Get(reopened, "orders");
        Assert.Equal((3_600_000L, 1L << 30, RetentionSource.BrokerDefaults), reopened.EffectiveRetention(orders));
        Assert.Equal((3_600_000L, 1L << 30), orders.Partitions[0].Retention);
    }

    [Fact]
    public async Task An_old_meta_without_retention_keys_loads_with_the_broker_defaults()
    {
        string directory = Path.Combine(_data, "topics", "legacy");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "topic.meta"), "partitions=2\nid=00112233445566778899aabbccddeeff\n");

        await using var registry = Open(Defaults);

        var legacy = Get(registry, "legacy");
        Assert.Null(legacy.OwnRetentionMs);
        Assert.Null(legacy.OwnRetentionBytes);
        Assert.Equal((3_600_000L, 1L << 30, RetentionSource.BrokerDefaults), registry.EffectiveRetention(legacy));
        Assert.All(legacy.Partitions, p => Assert.Equal((3_600_000L, 1L << 30), p.Retention));
    }

    [Fact]
    public async Task Alter_is_durable_changes_only_what_it_names_and_resets_to_the_default()
    {
        await using (var registry = Open(Defaults))
        {
            await registry.CreateAsync("orders", 2, TopicFlags.None, 60_000, TopicRetention.BrokerDefault);

            var (code, message) = await registry.AlterAsync("orders", TopicRetention.Unchanged, 4096);
            Assert.True(code == ErrorCode.None, message);
            var orders = Get(registry, "orders");
            Assert.Equal((60_000L, 4096L, RetentionSource.TopicAge | RetentionSource.TopicBytes), registry.EffectiveRetention(orders));
            Assert.All(orders.Partitions, p => Assert.Equal((60_000L, 4096L), p.Retention));
        }

        await using (var reopened = Open(Defaults))
        {
            var orders = Get(reopened, "orders");
            Assert.Equal((60_000L, 4096L, RetentionSource.TopicAge | RetentionSource.TopicBytes), reopened.EffectiveRetention(orders));

            var (code, message) = await reopened.AlterAsync("orders", TopicRetention.BrokerDefault, TopicRetention.Unchanged);
            Assert.True(code == ErrorCode.None, message);
            Assert.Equal((3_600_000L, 4096L, RetentionSource.TopicBytes), reopened.EffectiveRetention(orders));
            Assert.All(orders.Partitions, p => Assert.Equal((3_600_000L, 4096L), p.Retention));
        }

        Assert.DoesNotContain(File.ReadAllLines(MetaPath("orders")), l => l.StartsWith("retention.ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Alter_keeps_a_temporary_topic_temporary_and_its_id()
    {
        await using var registry = Open(Defaults);
        var (_, _, topic) = await registry.CreateAsync("fb.reply.x", 1, TopicFlags.Temporary);

        await registry.AlterAsync("fb.reply.x", 1000, TopicRetention.Unchanged);

        var lines = File.ReadAllLines(MetaPath("fb.reply.x"));
        Assert.Contains("temporary=1", lines);
        Assert.Contains($"id={topic!.Id:N}", lines);
    }

    [Theory]
    [InlineData(-2L, -1L)]
    [InlineData(-1L, -7L)]
    public async Task Create_refuses_values_below_the_broker_default_and_creates_nothing(long ms, long bytes)
    {
        await using var registry = Open(Defaults);

        var (code, _, topic) = await registry.CreateAsync("orders", 1, TopicFlags.None, ms, bytes);

        Assert.Equal(ErrorCode.InvalidArgument, code);
        Assert.Null(topic);
        Assert.False(registry.TryGet("orders", out _));
    }

    [Fact]
    public async Task Alter_answers_unknown_topics_bad_names_and_bad_values()
    {
        await using var registry = Open(Defaults);
        await registry.CreateAsync("orders", 1);

        Assert.Equal(ErrorCode.UnknownTopic, (await registry.AlterAsync("nope", 1, 1)).Code);
        Assert.Equal(ErrorCode.InvalidTopicName, (await registry.AlterAsync("bad name", 1, 1)).Code);
        Assert.Equal(ErrorCode.InvalidArgument, (await registry.AlterAsync("orders", -3, 1)).Code);
        Assert.Equal(ErrorCode.InvalidArgument, (await registry.AlterAsync("orders", 1, -3)).Code);
        Assert.Equal((3_600_000L, 1L << 30, RetentionSource.BrokerDefaults), registry.EffectiveRetention(Get(registry, "orders")));
    }
}
