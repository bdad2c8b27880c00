using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.ClientLite.Tests.Queues;

public sealed class RedriveTests
{
    private static TestRecord DeadLetter(string value, int partition, long offset, string? key = null, long timestampMs = 1_700_000_000_000,
        params (string, string)[] own)
        => new(value, key, timestampMs,
        [
            .. own,
            (DeadLetterHeaders.SourceTopic, "jobs"),
            (DeadLetterHeaders.SourceSubscription, "jobs"),
            (DeadLetterHeaders.SourcePartition, partition.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (DeadLetterHeaders.SourceOffset, offset.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (DeadLetterHeaders.DeliveryCount, "5"),
            (DeadLetterHeaders.Reason, DeadLetterHeaders.MaxDeliveriesReason),
        ]);

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Redrive_republishes_to_the_source_partition_without_dlq_headers_and_commits_the_position()
    {
        await using var q = await QueueHarness.StartAsync(partitions: 2);
        q.Store.CreateTopic("jobs.dlq", 1);
        q.Store.Append("jobs.dlq", 0, TestRecord.Batch(
            DeadLetter("one", 1, 40, key: "k1", timestampMs: 1_700_000_000_500, own: ("trace", "abc")),
            new TestRecord("stray, no dlq headers"),
            DeadLetter("two", 0, 7, timestampMs: 1_700_000_000_600)));
        q.Store.Append("jobs.dlq", 0, TestRecord.Batch(DeadLetter("three", 1, 41, timestampMs: 1_700_000_000_200)));

        long moved = await q.Connection.RedriveDeadLettersAsync("jobs", "jobs");

        Assert.Equal(3, moved);
        var partition0 = q.Store.Batches("jobs", 0).SelectMany(TestRecord.Read).Select(r => r.Record).ToList();
        var partition1 = q.Store.Batches("jobs", 1).SelectMany(TestRecord.Read).Select(r => r.Record).ToList();
        var two = Assert.Single(partition0);
        Assert.Equal(("two", null, 1_700_000_000_600L), (two.Value, two.Key, two.TimestampMs));
        Assert.Empty(two.Headers);
        Assert.Equal(["one", "three"], partition1.Select(r => r.Value));
        Assert.Equal("k1", partition1[0].Key);
        Assert.Equal([("trace", "abc")], partition1[0].Headers);
        // Each message keeps its own timestamp, even one older than the message before it.
        Assert.Equal([1_700_000_000_500L, 1_700_000_000_200L], partition1.Select(r => r.TimestampMs));
        Assert.Equal(4, q.Store.Position(BrokerConnection.RedriveGroup, "jobs.dlq", 0));

        // The redriven messages are in the queue again.
        var received = await q.Connection.OpenQueue("jobs").ReceiveAsync(10, TimeSpan.Zero);
        Assert.Equal(["two", "one", "three"], received.Select(QueueHarness.Text));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Redrive_goes_on_from_its_stored_position()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Store.CreateTopic("jobs.dlq", 1);
        q.Store.Append("jobs.dlq", 0, TestRecord.Batch(DeadLetter("a", 0, 1), DeadLetter("b", 0, 2)));

        long first = await q.Connection.RedriveDeadLettersAsync("jobs", "jobs");
        long nothing = await q.Connection.RedriveDeadLettersAsync("jobs", "jobs");
        q.Store.Append("jobs.dlq", 0, TestRecord.Batch(DeadLetter("c", 0, 3)));
        long second = await q.Connection.RedriveDeadLettersAsync("jobs", "jobs");

        Assert.Equal((2L, 0L, 1L), (first, nothing, second));
        Assert.Equal(["a", "b", "c"], q.Store.Batches("jobs", 0).SelectMany(TestRecord.Read).Select(r => r.Record.Value));
        Assert.Equal(3, q.Store.Position(BrokerConnection.RedriveGroup, "jobs.dlq", 0));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Redrive_does_not_store_its_position_when_a_republish_fails()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Store.CreateTopic("jobs.dlq", 1);
        q.Store.Append("jobs.dlq", 0, TestRecord.Batch(DeadLetter("a", 0, 1)));
        q.Broker.Intercept = r => r.Opcode == Opcode.Publish && r.Topic == "jobs" ? new FakeReply(Error: ErrorCode.StorageError) : null;

        var error = await Assert.ThrowsAsync<BrokerException>(() => q.Connection.RedriveDeadLettersAsync("jobs", "jobs").AsTask());

        Assert.Equal(ErrorCode.StorageError, error.Code);
        Assert.Null(q.Store.Position(BrokerConnection.RedriveGroup, "jobs.dlq", 0));
        q.Broker.Intercept = null;
        Assert.Equal(1, await q.Connection.RedriveDeadLettersAsync("jobs", "jobs"));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Redrive_without_a_dead_letter_topic_moves_nothing()
    {
        await using var q = await QueueHarness.StartAsync();

        Assert.Equal(0, await q.Connection.RedriveDeadLettersAsync("jobs", "jobs"));
        Assert.Equal(0, q.Broker.Count(Opcode.Publish));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Redrive_reads_the_dead_letter_topic_named_in_the_subscription()
    {
        await using var q = await QueueHarness.StartAsync();
        await q.Connection.CreateSubscriptionAsync("jobs", "audit", new QueueOptions { DeadLetterTopic = "audit-failures" });
        q.Store.CreateTopic("audit-failures", 1);
        q.Store.Append("audit-failures", 0, TestRecord.Batch(DeadLetter("x", 0, 9)));

        Assert.Equal(1, await q.Connection.RedriveDeadLettersAsync("jobs", "audit"));
        Assert.Equal(1, q.Store.Position(BrokerConnection.RedriveGroup, "audit-failures", 0));
    }
}
