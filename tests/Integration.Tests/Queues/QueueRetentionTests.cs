using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;

namespace FastBroker.IntegrationTests.Queues;

/// <summary>A topic's retention applies to its queues: what it deletes unsettled is counted as expired, and the
/// queue delivers from the oldest message still stored (the real binary).</summary>
public sealed class QueueRetentionTests
{
    [Fact]
    public async Task Messages_retention_deletes_before_they_are_acked_count_as_expired_and_the_queue_goes_on()
    {
        await using var broker = await BrokerProcess.StartAsync(null, 0, "--segment-bytes", "4KiB");
        await using var conn = await BrokerConnection.ConnectAsync(broker.Address);
        await conn.CreateTopicAsync("jobs", 1);
        await conn.CreateSubscriptionAsync("jobs", "jobs");
        await using var queue = conn.OpenQueue("jobs");
        for (int i = 0; i < 40; i++)
            await conn.PublishAsync("jobs", 0, TestBatches.Make(records: 5, valueBytes: 200));
        // One message taken and never acked: it is deleted under its consumer.
        var held = await queue.ReceiveAsync(maxMessages: 1);
        Assert.Equal(0, Assert.Single(held).Offset);
        // Set only now, so one retention pass deletes everything over the limit at once: a pass while the topic was
        // still filling would move the log start twice, and the checks below would race the second move.
        await conn.AlterTopicAsync("jobs", new TopicOptions { RetentionBytes = 8192 });

        long start = 0;
        await Eventually.HoldsAsync(async () =>
        {
            start = (await conn.GetTopicMetadataAsync("jobs")).Partitions[0].StartOffset;
            return start > 0 && (await conn.GetQueueStatsAsync("jobs", "jobs")).Expired == start;
        }, "retention to delete segments the queue had not acked, and the queue to count them");

        var stats = await conn.GetQueueStatsAsync("jobs", "jobs");
        Assert.Equal((0L, 200 - start), (stats.InFlight, stats.Visible));
        var next = await queue.ReceiveAsync(maxMessages: 1);
        Assert.Equal(start, Assert.Single(next).Offset);
        var cli = await Cli.RunAsync(broker.Address, null, "queue", "stats", "jobs");
        Assert.Contains($"expired: {start}\n", cli.Stdout);
    }
}
