using System.Globalization;
using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.IntegrationTests.Queues;

/// <summary>Filtered queues and message expiry against the real process, through ClientLite, the CLI and raw frames.</summary>
public sealed class FilteredQueueTests
{
    private const string EuCreated = "key ~ \"eu.#\" and header(type) = \"created\"";

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Dictionary<string, string> Stats(Cli.Result result)
    {
        Assert.True(result.ExitCode == 0, result.Stderr);
        return Lines(result.Stdout).Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim());
    }

    private static RecordHeader Header(string name, string value) => new(name, Encoding.UTF8.GetBytes(value));

    // Publishes "order" events: value i, key eu.* or us.*, type created or deleted; returns the values that match EuCreated.
    private static async Task<List<string>> PublishOrdersAsync(BrokerConnection connection, int first, int count)
    {
        var matching = new List<string>();
        await using var producer = await connection.CreateProducerAsync("orders");
        var sent = new List<ValueTask<long>>();
        for (int i = first; i < first + count; i++)
        {
            string key = i % 3 == 0 ? "us.ny" : $"eu.de.{i}";
            string type = i % 4 == 1 ? "deleted" : "created";
            string value = $"order-{i}";
            if (key.StartsWith("eu.", StringComparison.Ordinal) && type == "created") matching.Add(value);
            sent.Add(producer.SendAsync(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(key), partition: 0, headers: new[] { Header("type", type) }));
        }
        await producer.FlushAsync();
        foreach (var s in sent) await s;
        return matching;
    }

    private static async Task<List<string>> DrainAsync(QueueConsumer consumer, bool ack = true)
    {
        var values = new List<string>();
        for (int round = 0; round < 100; round++)
        {
            var batch = await consumer.ReceiveAsync(100, TimeSpan.FromMilliseconds(300));
            if (batch.Count == 0) break;
            values.AddRange(batch.Select(m => Encoding.UTF8.GetString(m.Value.Span)));
            if (ack) await consumer.AckAsync(batch);
        }
        return values;
    }

    [Fact]
    public async Task A_filtered_queue_created_by_the_cli_gets_only_matches_and_keeps_its_filter_across_a_restart()
    {
        string data = TempDirectories.Create("filtered-queue");
        try
        {
            List<string> firstMatches, secondMatches;
            List<string> acked;
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
                await connection.CreateTopicAsync("orders", 1);
                var created = await Cli.RunAsync(broker.Address, null, "queue", "create", "jobs-eu", "--topic", "orders", "--filter", EuCreated);
                Assert.True(created.ExitCode == 0, created.Stderr);
                Assert.Contains("created queue jobs-eu on topic orders", created.Stdout);

                firstMatches = await PublishOrdersAsync(connection, 0, 40);
                var stats = Stats(await Cli.RunAsync(broker.Address, null, "queue", "stats", "jobs-eu", "--topic", "orders"));
                Assert.Equal(firstMatches.Count.ToString(CultureInfo.InvariantCulture), stats["visible"]);
                Assert.Equal((40 - firstMatches.Count).ToString(CultureInfo.InvariantCulture), stats["filtered"]);
                Assert.Equal(EuCreated, stats["filter"]);
                Assert.Equal("orders.jobs-eu.dlq", stats["dead_letter_topic"]);

                var received = await Cli.RunAsync(broker.Address, null, "receive", "jobs-eu", "--topic", "orders", "--max", "5");
                Assert.True(received.ExitCode == 0, received.Stderr);
                acked = Lines(received.Stdout).ToList();
                Assert.Equal(firstMatches.Take(5), acked);
                Assert.Equal(0, await broker.StopAsync());
            }

            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
                secondMatches = await PublishOrdersAsync(connection, 40, 40);
                await using var consumer = connection.OpenSubscription("orders", "jobs-eu");
                var rest = await DrainAsync(consumer);

                Assert.Equal(firstMatches.Skip(5).Concat(secondMatches), rest);
                var stats = await connection.GetQueueStatsAsync("orders", "jobs-eu");
                Assert.Equal(EuCreated, stats.Filter);
                Assert.Equal(0, stats.Depth);
                Assert.True(stats.Filtered >= 40 - secondMatches.Count, $"filtered {stats.Filtered}");
            }
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }

    [Fact]
    public async Task An_invalid_filter_is_refused_by_the_cli_and_by_the_broker_with_the_parse_error()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
        await connection.CreateTopicAsync("orders", 1);

        var cli = await Cli.RunAsync(broker.Address, null, "queue", "create", "bad", "--topic", "orders", "--filter", "key ~ ");
        Assert.Equal(2, cli.ExitCode);
        var line = Assert.Single(Lines(cli.Stderr));
        Assert.StartsWith("error: invalid filter: ", line);

        await using var raw = await RawClient.ConnectAsync(broker.Endpoint);
        var refused = await raw.RequestAsync((w, id) => FrameWriter.WriteCreateSubscription(w, id, "orders"u8, "bad"u8, 30_000, 5, default,
            100_000, AckMode.Explicit, "key ~ "u8, 0));
        Assert.Equal(ErrorCode.InvalidArgument, refused.ErrorCode);
        Assert.StartsWith("invalid filter: ", refused.ErrorMessage);
        Assert.Contains("column", refused.ErrorMessage);

        var badOptions = await raw.RequestAsync((w, id) => FrameWriter.WriteCreateSubscription(w, id, "orders"u8, "bad"u8, 30_000, 5, default,
            100_000, AckMode.Explicit, default, 4));
        Assert.Equal(ErrorCode.InvalidArgument, badOptions.ErrorCode);
        Assert.Contains("bit 1 (key ordering)", badOptions.ErrorMessage);
        var unknown = await Assert.ThrowsAsync<BrokerException>(() => connection.GetQueueStatsAsync("orders", "bad").AsTask());
        Assert.Equal(ErrorCode.UnknownSubscription, unknown.Code);
    }

    [Fact]
    public async Task An_old_style_create_without_the_trailing_fields_still_makes_an_unfiltered_subscription()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var raw = await RawClient.ConnectAsync(broker.Endpoint);
        Assert.Equal(ErrorCode.None, (await raw.RequestAsync((w, id) => FrameWriter.WriteCreateTopic(w, id, "jobs"u8, 1))).ErrorCode);
        var created = await raw.RequestAsync((w, id) => FrameWriter.WriteCreateSubscription(w, id, "jobs"u8, "jobs"u8, 30_000, 3, default, 100_000, AckMode.Explicit));
        Assert.Equal(ErrorCode.None, created.ErrorCode);

        var stats = await raw.RequestAsync((w, id) => FrameWriter.WriteSubscriptionRequest(w, Opcode.SubscriptionStats, id, "jobs"u8, "jobs"u8));
        Assert.True(SubscriptionStats.TryParse(stats.Body, out var parsed));
        Assert.Equal(("", false, 0L, 0L), (parsed.Settings.Filter, parsed.Settings.DeadLetterExpired, parsed.Filtered, parsed.Expired));
    }

    [Fact]
    public async Task Expired_messages_are_never_delivered_and_the_dead_letter_variant_moves_them_with_reason_expired()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
        await connection.CreateQueueAsync("plain");
        await connection.CreateQueueAsync("kept", new QueueOptions { DeadLetterExpired = true });

        long past = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
        long future = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3_600_000;
        foreach (string queue in new[] { "plain", "kept" })
        {
            await using var producer = await connection.CreateProducerAsync(queue);
            var sends = new[]
            {
                producer.SendAsync("stale"u8.ToArray(), headers: new[] { Header(MessageExpiry.HeaderName, past.ToString(CultureInfo.InvariantCulture)) }),
                producer.SendAsync("fresh"u8.ToArray()),
                producer.SendAsync("later"u8.ToArray(), headers: new[] { Header(MessageExpiry.HeaderName, future.ToString(CultureInfo.InvariantCulture)) }),
            };
            await producer.FlushAsync();
            foreach (var s in sends) await s;
        }

        await using (var plain = connection.OpenQueue("plain"))
            Assert.Equal(["fresh", "later"], await DrainAsync(plain));
        await using (var kept = connection.OpenQueue("kept"))
            Assert.Equal(["fresh", "later"], await DrainAsync(kept));

        var plainStats = await connection.GetQueueStatsAsync("plain", "plain");
        Assert.Equal((1L, 0L), (plainStats.Expired, plainStats.DeadLettered));
        Assert.Equal("true", Stats(await Cli.RunAsync(broker.Address, null, "queue", "stats", "kept"))["dead_letter_expired"]);

        QueueStats keptStats = null!;
        for (int i = 0; i < 100; i++)
        {
            keptStats = await connection.GetQueueStatsAsync("kept", "kept");
            if (keptStats.DeadLettered == 1) break;
            await Task.Delay(50);
        }
        Assert.Equal((0L, 1L), (keptStats.Expired, keptStats.DeadLettered));
        // The header checks (reason, delivery count 0) are in the broker's unit tests; here the copy is there.
        var cli = await Cli.RunAsync(broker.Address, null, "consume", "kept.dlq", "--timeout", "1s");
        Assert.Equal(["stale"], Lines(cli.Stdout));
    }
}
