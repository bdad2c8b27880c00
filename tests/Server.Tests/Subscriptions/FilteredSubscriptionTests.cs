using System.Globalization;
using System.Text;
using FastBroker.Server.Subscriptions;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>Filtered shared subscriptions and per-message expiry, on a real registry with a fake clock.</summary>
public sealed class FilteredSubscriptionTests : IAsyncLifetime
{
    private const long A = 1;
    private const string EuCreated = "key ~ \"eu.#\" and header(type) = \"created\"";
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private static SubscriptionSettings Filtered(string filter, bool deadLetterExpired = false)
        => QueueBroker.Settings() with { Filter = filter, DeadLetterExpired = deadLetterExpired };

    private readonly record struct Msg(string Key, string Value, string? Type = "created", long ExpiresAtMs = -1);

    private Task<long> PublishAsync(string topic, params Msg[] messages)
    {
        using var builder = new RecordBatchBuilder();
        foreach (var m in messages)
        {
            var headers = new List<RecordHeader>();
            if (m.Type is not null) headers.Add(new RecordHeader("type", Encoding.UTF8.GetBytes(m.Type)));
            if (m.ExpiresAtMs >= 0)
                headers.Add(new RecordHeader(MessageExpiry.HeaderName, Encoding.UTF8.GetBytes(m.ExpiresAtMs.ToString(CultureInfo.InvariantCulture))));
            builder.Append(_broker.NowMs, hasKey: true, Encoding.UTF8.GetBytes(m.Key), headers.ToArray(), Encoding.UTF8.GetBytes(m.Value));
        }
        return _broker.PublishAsync(topic, 0, builder.Seal().Span);
    }

    private async Task PublishNonMatchingAsync(string topic, int count, int perBatch = 500)
    {
        for (int done = 0; done < count; done += perBatch)
            await PublishAsync(topic, Enumerable.Range(0, Math.Min(perBatch, count - done)).Select(i => new Msg("us.west", $"n{done + i}")).ToArray());
    }

    private static List<string> Values(List<DeliveredMessage> messages) => messages.Select(m => m.Value).ToList();

    [Fact]
    public async Task A_filtered_delivery_carries_only_the_delivered_records_each_run_as_its_own_batch()
    {
        var queue = await _broker.CreateQueueAsync("orders", "jobs-eu", Filtered("key ~ \"eu.#\""));
        // Offsets 0-5 in one stored batch; 0, 2 and 3 match (two runs), 6-7 in a second batch that matches whole.
        await PublishAsync("orders", new Msg("eu.a", "a"), new Msg("us.b", "b"), new Msg("eu.c", "c"), new Msg("eu.d", "d"),
            new Msg("us.e", "e"), new Msg("us.f", "f"));
        await PublishAsync("orders", new Msg("eu.g", "g"), new Msg("eu.h", "h"));
        var stored = _broker.ReadAll("orders").ToDictionary(r => r.Offset);

        Assert.True(queue.TryDeliver(A, 100, 1 << 20, 30_000, Wire.Opcode.Receive, Wire.FrameFlags.Response, 5, out var frame));
        try
        {
            var body = frame.Buffer.AsSpan(Wire.FrameHeader.Size, frame.Length - Wire.FrameHeader.Size);
            Assert.True(DeliveryReader.TryCreate(body, out var reader));
            Assert.True(reader.TryReadSection(out var section));
            var batches = new List<(long Base, int Count)>();
            var rest = section.Batches;
            while (!rest.IsEmpty)
            {
                var header = RecordBatchHeader.Read(rest);
                Assert.Equal(Wire.ErrorCode.None, RecordBatch.Validate(rest[..header.Length], 1 << 20));
                batches.Add((header.BaseOffset, header.RecordCount));
                rest = rest[header.Length..];
            }
            Assert.Equal([(0L, 1), (2L, 2), (6L, 2)], batches);
            var records = QueueBroker.ReadBatches(section.Batches);
            Assert.Equal([0L, 2L, 3L, 6L, 7L], records.Select(r => r.Offset));
            foreach (var record in records)
                Assert.Equivalent(stored[record.Offset], record, strict: true);
        }
        finally
        {
            FastBroker.Server.Topics.BatchBuffers.Pool.Return(frame.Buffer);
        }
    }

    [Fact]
    public async Task A_filtered_delivery_frame_is_handed_over_in_a_buffer_of_its_own_size()
    {
        // Every tenth message matches: the delivery reads ten times the bytes it sends, in a buffer sized for them.
        var queue = await _broker.CreateQueueAsync("orders", "jobs-eu", Filtered("key ~ \"eu.#\""));
        string value = new('v', 100);
        for (int batch = 0; batch < 10; batch++)
            await PublishAsync("orders", Enumerable.Range(0, 1000).Select(i => new Msg(i % 10 == 0 ? "eu.x" : "us.x", value)).ToArray());

        Assert.True(queue.TryDeliver(A, 1000, 1 << 20, 30_000, Wire.Opcode.Receive, Wire.FrameFlags.Response, 5, out var frame));
        try
        {
            Assert.InRange(frame.Messages, 100, 1000);
            // A frame kept in its build buffer holds 2 MiB or more per frame waiting to be sent.
            Assert.InRange(frame.Buffer.Length, frame.Length, 2 * frame.Length);
        }
        finally
        {
            FastBroker.Server.Topics.BatchBuffers.Pool.Return(frame.Buffer);
        }
    }

    [Fact]
    public async Task Only_matching_messages_are_delivered_and_the_others_count_as_filtered()
    {
        var queue = await _broker.CreateQueueAsync("orders", "jobs-eu", Filtered(EuCreated));
        await PublishAsync("orders",
            new Msg("eu.de", "a"), new Msg("us.ny", "b"), new Msg("eu.fr", "c", "deleted"), new Msg("eu", "d"), new Msg("eu.fr.paris", "e"));

        var delivered = QueueBroker.Receive(queue, A, max: 10);

        Assert.Equal(["a", "d", "e"], Values(delivered));
        Assert.Equal([0L, 3L, 4L], delivered.Select(m => m.Offset));
        var stats = queue.Stats();
        Assert.Equal((2L, 0L, 3L, 0L), (stats.Filtered, stats.Visible, stats.InFlight, stats.Expired));
        Assert.Equal(EuCreated, stats.Settings.Filter);
        Assert.Empty(QueueBroker.Receive(queue, A, max: 10));
    }

    [Fact]
    public async Task Visible_counts_only_matching_messages_and_the_floor_passes_filtered_ones_without_consumers()
    {
        var queue = await _broker.CreateQueueAsync("orders", "jobs-eu", Filtered(EuCreated));
        await PublishNonMatchingAsync("orders", 1_000);
        await PublishAsync("orders", new Msg("eu.de", "match"));
        await PublishNonMatchingAsync("orders", 1_000);

        var stats = queue.Stats();
        Assert.Equal((1L, 2_000L), (stats.Visible, stats.Filtered));
        // Nobody received: the floor still passes the non-matching messages before the matching one.
        await QueueBroker.EventuallyAsync(() => queue.DurableFloor(0) == 1_000, "the floor to reach the matching message");

        var message = Assert.Single(QueueBroker.Receive(queue, A, max: 10));
        Assert.Equal(1_000, message.Offset);
        Assert.Equal(1u, await QueueBroker.AckAsync(queue, (1_000, 1)));
        _broker.Advance(TimeSpan.FromSeconds(1));
        await QueueBroker.EventuallyAsync(() => queue.DurableFloor(0) == 2_001, "the floor to reach the end");
        Assert.Equal(0, queue.Stats().Visible);
    }

    [Fact]
    public async Task The_tick_scans_so_depth_is_right_with_no_consumer_and_no_stats_request()
    {
        var queue = await _broker.CreateQueueAsync("orders", "jobs-eu", Filtered(EuCreated));
        await PublishNonMatchingAsync("orders", 300);

        _broker.Advance(TimeSpan.FromSeconds(1));

        await QueueBroker.EventuallyAsync(() => queue.DurableFloor(0) == 300, "the tick's scan to move the floor");
    }

    [Fact]
    public async Task A_receive_finds_a_matching_message_deep_in_a_backlog_of_non_matching_ones()
    {
        var queue = await _broker.CreateQueueAsync("orders", "jobs-eu", Filtered(EuCreated));
        await PublishNonMatchingAsync("orders", 60_000, perBatch: 1_000);
        await PublishAsync("orders", new Msg("eu.de", "deep"));

        var message = Assert.Single(QueueBroker.Receive(queue, A, max: 10));

        Assert.Equal(("deep", 60_000L), (message.Value, message.Offset));
        Assert.Equal(60_000, queue.Stats().Filtered);
    }

    [Fact]
    public async Task A_scan_holds_the_runs_of_one_read_chunk_not_of_the_whole_scan()
    {
        var queue = await _broker.CreateQueueAsync("orders", "jobs-eu", Filtered("key ~ \"eu.#\""));
        // One message in ten matches: every nine skipped ones make a run of their own, 10,000 runs in all.
        for (int done = 0; done < 100_000; done += 1_000)
            await PublishAsync("orders", Enumerable.Range(done, 1_000).Select(i => new Msg(i % 10 == 0 ? "eu.x" : "us.x", "v")).ToArray());

        queue.Scan(0, long.MaxValue);

        Assert.Equal(90_000, queue.Stats().Filtered);
        // A 256 KiB read holds about 8,000 of these messages: 800 runs.
        Assert.InRange(queue.ScanRuns(0).Capacity, 0, 2_048);
    }

    [Fact]
    public async Task Scanning_allocates_nothing_per_message()
    {
        var queue = await _broker.CreateQueueAsync("orders", "jobs-eu", Filtered(EuCreated));
        // The first scans of as many messages grow what grows once (the done bitmap, the pooled read buffer, the
        // ack log's queue of floor records).
        for (int round = 0; round < 2; round++)
        {
            await PublishNonMatchingAsync("orders", 20_000, perBatch: 1_000);
            queue.Scan(0, long.MaxValue);
        }
        // A scan hands floor records to the ack log's loop, and waking that loop can grow the thread pool's queue on
        // this thread when the machine is busy: a one-off cost, not one per message. So the least of three scans
        // is what is judged; something allocated per message shows in every one.
        long least = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            await PublishNonMatchingAsync("orders", 20_000, perBatch: 1_000);
            long before = GC.GetAllocatedBytesForCurrentThread();
            queue.Scan(0, long.MaxValue);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(100_000, queue.Stats().Filtered);
        // 20,000 messages judged: anything near a byte each would be 20 KB.
        Assert.True(least < 2_048, $"each of three scans of 20,000 messages allocated at least {least} bytes");
    }

    [Fact]
    public async Task An_expired_message_is_settled_at_scan_time_and_never_delivered()
    {
        var queue = await _broker.CreateQueueAsync("orders", "jobs-eu", Filtered(EuCreated));
        long soon = _broker.NowMs + 1_000;
        await PublishAsync("orders", new Msg("eu.de", "stale", ExpiresAtMs: soon), new Msg("eu.de", "fresh"), new Msg("eu.de", "later", ExpiresAtMs: soon + 60_000));
        _broker.Advance(TimeSpan.FromSeconds(2));

        var stats = queue.Stats();

        Assert.Equal((1L, 2L), (stats.Expired, stats.Visible));
        Assert.Equal(["fresh", "later"], Values(QueueBroker.Receive(queue, A, max: 10)));
    }

    [Fact]
    public async Task A_message_that_expires_after_the_scan_is_settled_at_delivery()
    {
        var queue = await _broker.CreateQueueAsync("orders", "jobs-eu", Filtered(EuCreated));
        await PublishAsync("orders", new Msg("eu.de", "stale", ExpiresAtMs: _broker.NowMs + 5_000), new Msg("eu.de", "fresh"));
        Assert.Equal(2, queue.Stats().Visible);

        _broker.Advance(TimeSpan.FromSeconds(10));
        var delivered = QueueBroker.Receive(queue, A, max: 10);

        Assert.Equal(["fresh"], Values(delivered));
        var stats = queue.Stats();
        Assert.Equal((1L, 1L, 0L), (stats.Expired, stats.InFlight, stats.Visible));
    }

    [Fact]
    public async Task An_unfiltered_queue_drops_expired_messages_at_delivery_even_when_a_whole_round_expired()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        long soon = _broker.NowMs + 1_000;
        await PublishAsync("orders", Enumerable.Range(0, 5).Select(i => new Msg("k", $"stale{i}", ExpiresAtMs: soon)).ToArray());
        await PublishAsync("orders", new Msg("k", "fresh"), new Msg("k", "stale5", ExpiresAtMs: soon), new Msg("k", "fresh2"));
        _broker.Advance(TimeSpan.FromSeconds(2));

        // Two at a time: the first rounds take only expired messages, and the receive still answers with fresh ones.
        var delivered = QueueBroker.Receive(queue, A, max: 2);

        Assert.Equal(["fresh"], Values(delivered));
        var rest = QueueBroker.Receive(queue, A, max: 10);
        Assert.Equal(["fresh2"], Values(rest));
        Assert.Equal([(5L, 1), (7L, 1)], delivered.Concat(rest).Select(m => (m.Offset, m.Deliveries)));
        Assert.Equal(6, queue.Stats().Expired);
    }

    [Fact]
    public async Task Expired_messages_go_to_the_dead_letter_topic_with_reason_expired_when_the_subscription_says_so()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings() with { DeadLetterExpired = true });
        long soon = _broker.NowMs + 1_000;
        await PublishAsync("orders", new Msg("k", "stale", ExpiresAtMs: soon), new Msg("k", "fresh"));
        _broker.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(["fresh"], Values(QueueBroker.Receive(queue, A, max: 10)));

        await QueueBroker.EventuallyAsync(() => queue.Stats().DeadLettered == 1, "the dead-letter move");
        var moved = Assert.Single(_broker.ReadAll("orders.dlq"));
        Assert.Equal("stale", moved.Value);
        Assert.Contains((DeadLetterHeaders.Reason, DeadLetterHeaders.ExpiredReason), moved.Headers);
        Assert.Contains((DeadLetterHeaders.DeliveryCount, "0"), moved.Headers);
        Assert.DoesNotContain(moved.Headers, h => h.Name == MessageExpiry.HeaderName);
        Assert.Equal(0, queue.Stats().Expired);
    }

    [Fact]
    public async Task A_filtered_subscription_dead_letters_expired_messages_found_by_its_scan()
    {
        var queue = await _broker.CreateQueueAsync("orders", "jobs-eu", Filtered(EuCreated, deadLetterExpired: true));
        await PublishAsync("orders", new Msg("eu.de", "stale", ExpiresAtMs: _broker.NowMs + 1_000), new Msg("us.ny", "other", ExpiresAtMs: 1));
        _broker.Advance(TimeSpan.FromSeconds(2));

        await QueueBroker.EventuallyAsync(() => queue.Stats().DeadLettered == 1, "the dead-letter move");
        var stats = queue.Stats();
        Assert.Equal((0L, 1L, 0L), (stats.Visible, stats.Filtered, stats.Expired));
        Assert.Empty(QueueBroker.Receive(queue, A, max: 10));
        var moved = Assert.Single(_broker.ReadAll("orders.jobs-eu.dlq"));
        Assert.Equal("stale", moved.Value);
        await QueueBroker.EventuallyAsync(() => queue.DurableFloor(0) == 2, "the floor to pass both");
    }

    [Fact]
    public async Task After_a_restart_the_filter_still_applies_and_acked_messages_stay_acked()
    {
        await _broker.CreateQueueAsync("orders", "jobs-eu", Filtered(EuCreated));
        await PublishAsync("orders", new Msg("eu.de", "a"), new Msg("us.ny", "x"), new Msg("eu.de", "b"), new Msg("us.ny", "y"), new Msg("eu.de", "c"));
        var queue = _broker.Subscription("orders", "jobs-eu");
        var first = QueueBroker.Receive(queue, A, max: 2);
        Assert.Equal(["a", "b"], Values(first));
        Assert.Equal(1u, await QueueBroker.AckAsync(queue, (0, 1)));

        await _broker.RestartAsync();
        queue = _broker.Subscription("orders", "jobs-eu");

        Assert.Equal(EuCreated, queue.Settings.Filter);
        Assert.Equal(["b", "c"], Values(QueueBroker.Receive(queue, A, max: 10)));
        Assert.Equal(2, queue.Stats().Filtered);
    }
}
