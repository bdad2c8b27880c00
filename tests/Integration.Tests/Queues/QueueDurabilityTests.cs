using System.Collections.Concurrent;
using System.Text;
using FastBroker.ClientLite;
using FastBroker.Testing;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.IntegrationTests.Queues;

/// <summary>Work queues through ClientLite against the real process: competition, dead letters, restarts, kill -9.</summary>
public sealed class QueueDurabilityTests
{
    private static byte[] Payload(int i) => Encoding.ASCII.GetBytes($"job-{i}");

    private static async Task PublishAsync(BrokerConnection connection, string queue, int count, int partitions)
    {
        await using var producer = await connection.CreateProducerAsync(queue);
        var pending = new ValueTask<long>[count];
        for (int i = 0; i < count; i++) pending[i] = producer.SendAsync(Payload(i), partition: i % partitions);
        await producer.FlushAsync();
        foreach (var p in pending) await p;
    }

    private static async Task<List<QueueMessage>> DrainAsync(QueueConsumer consumer, int atMost, bool ack)
    {
        var all = new List<QueueMessage>();
        while (all.Count < atMost)
        {
            var batch = await consumer.ReceiveAsync(Math.Min(1000, atMost - all.Count), TimeSpan.FromMilliseconds(500));
            if (batch.Count == 0) break;
            all.AddRange(batch);
            if (ack) await consumer.AckAsync(batch);
        }
        return all;
    }

    [Fact]
    public async Task Competing_consumers_each_get_every_message_exactly_once_when_all_ack()
    {
        const int Count = 20_000;
        await using var broker = await BrokerProcess.StartAsync();
        await using var admin = await BrokerConnection.ConnectAsync(broker.Address);
        await admin.CreateQueueAsync("orders", partitions: 4);
        await PublishAsync(admin, "orders", Count, 4);

        var seen = new ConcurrentDictionary<(int, long), int>();
        var holders = new ConcurrentDictionary<(int, long), int>();
        int violations = 0;
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
            await using var consumer = connection.OpenQueue("orders");
            while (true)
            {
                var batch = await consumer.ReceiveAsync(100, TimeSpan.FromMilliseconds(300));
                if (batch.Count == 0) return;
                foreach (var m in batch)
                {
                    if (!holders.TryAdd((m.Partition, m.Offset), w)) Interlocked.Increment(ref violations);
                    seen.AddOrUpdate((m.Partition, m.Offset), 1, (_, n) => n + 1);
                }
                foreach (var m in batch) holders.TryRemove((m.Partition, m.Offset), out _);
                await consumer.AckAsync(batch);
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(0, violations);
        Assert.Equal(Count, seen.Count);
        Assert.All(seen.Values, n => Assert.Equal(1, n));
        var stats = await admin.GetQueueStatsAsync("orders", "orders");
        Assert.Equal(0, stats.Depth);
        Assert.Equal(Count, stats.Acked);
    }

    [Fact]
    public async Task Dead_lettered_messages_carry_their_origin_and_redrive_returns_them()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
        await connection.CreateQueueAsync("mail", new QueueOptions { MaxDeliveries = 3 }, partitions: 2);
        await PublishAsync(connection, "mail", 2, 2);
        await using var consumer = connection.OpenQueue("mail");

        var poison = (await consumer.ReceiveAsync(2, TimeSpan.FromSeconds(5))).Single(m => m.Partition == 1);
        var good = (await consumer.ReceiveAsync(1, TimeSpan.Zero)).Count;
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            Assert.Equal(attempt, poison.DeliveryCount);
            await poison.NackAsync();
            var again = await consumer.ReceiveAsync(10, TimeSpan.FromMilliseconds(attempt < 3 ? 5000 : 300));
            if (attempt < 3) poison = again.Single(m => m.Partition == 1);
            else Assert.DoesNotContain(again, m => m.Partition == 1);
        }

        await using var reader = new TopicReader(broker.Address, "mail.dlq", new TopicReaderOptions { Start = StartPosition.Earliest });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        TopicMessage dead = default;
        await foreach (var message in reader.ReadAllAsync(timeout.Token)) { dead = message; break; }
        Assert.Equal("job-1", Encoding.ASCII.GetString(dead.Value.Span));
        var headers = Headers(dead);
        Assert.Equal("mail", headers[DeadLetterHeaders.SourceTopic]);
        Assert.Equal("mail", headers[DeadLetterHeaders.SourceSubscription]);
        Assert.Equal("1", headers[DeadLetterHeaders.SourcePartition]);
        Assert.Equal("0", headers[DeadLetterHeaders.SourceOffset]);
        Assert.Equal("3", headers[DeadLetterHeaders.DeliveryCount]);
        Assert.Equal(DeadLetterHeaders.MaxDeliveriesReason, headers[DeadLetterHeaders.Reason]);

        var stats = await connection.GetQueueStatsAsync("mail", "mail");
        Assert.Equal(1, stats.DeadLettered);
        Assert.Equal(1, await connection.RedriveDeadLettersAsync("mail", "mail"));
        var back = await consumer.ReceiveAsync(10, TimeSpan.FromSeconds(5));
        var redriven = Assert.Single(back);
        Assert.Equal("job-1", Encoding.ASCII.GetString(redriven.Value.Span));
        Assert.Equal(1, redriven.DeliveryCount);
        Assert.False(redriven.TryGetHeader(DeadLetterHeaders.SourceTopic, out _));
        Assert.Equal(0, await connection.RedriveDeadLettersAsync("mail", "mail"));
        _ = good;
    }

    private static Dictionary<string, string> Headers(TopicMessage message)
    {
        var result = new Dictionary<string, string>();
        var reader = new Wire.Records.RecordHeaderReader(message.Headers.Span);
        while (reader.TryReadNext(out var name, out var value))
            result[Encoding.UTF8.GetString(name)] = Encoding.UTF8.GetString(value);
        return result;
    }

    [Fact]
    public async Task After_a_restart_acked_messages_stay_acked_and_unacked_ones_come_back()
    {
        string data = TempDirectories.Create("queue-restart");
        try
        {
            var acked = new HashSet<string>();
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
                await connection.CreateQueueAsync("tasks", partitions: 2);
                await PublishAsync(connection, "tasks", 1000, 2);
                await using var consumer = connection.OpenQueue("tasks");
                var received = await DrainAsync(consumer, 600, ack: false);
                Assert.Equal(600, received.Count);
                await consumer.AckAsync(received.Take(500));
                foreach (var m in received.Take(500)) acked.Add(Encoding.ASCII.GetString(m.Value.Span));
                Assert.Equal(0, await broker.StopAsync());
            }

            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
                await using var consumer = connection.OpenQueue("tasks");
                var rest = await DrainAsync(consumer, 2000, ack: true);
                var values = rest.Select(m => Encoding.ASCII.GetString(m.Value.Span)).ToHashSet();
                Assert.Equal(500, rest.Count);
                Assert.Empty(values.Intersect(acked));
                Assert.Equal(1000, values.Union(acked).Count());
            }
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }

    [Fact]
    public async Task Acks_confirmed_before_kill_9_are_never_delivered_again()
    {
        string data = TempDirectories.Create("queue-kill");
        try
        {
            var confirmed = new ConcurrentDictionary<string, bool>();
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
                await connection.CreateQueueAsync("kills", partitions: 2);
                await PublishAsync(connection, "kills", 20_000, 2);
                await using var consumer = connection.OpenQueue("kills");
                Task? kill = null;
                try
                {
                    for (int round = 0; round < 200; round++)
                    {
                        var batch = await consumer.ReceiveAsync(200, TimeSpan.FromMilliseconds(200));
                        if (batch.Count == 0) break;
                        if (round == 20) kill = broker.KillAsync();
                        await consumer.AckAsync(batch);
                        foreach (var m in batch) confirmed[Encoding.ASCII.GetString(m.Value.Span)] = true;
                    }
                }
                catch (Exception e) when (e is BrokerConnectionException or BrokerException or ObjectDisposedException or OperationCanceledException or IOException)
                {
                    // The broker died mid-request: whatever was not confirmed may or may not be acked.
                }
                if (kill is null) await broker.KillAsync();
                else await kill;
            }
            Assert.NotEmpty(confirmed);

            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
                await using var consumer = connection.OpenQueue("kills");
                var rest = await DrainAsync(consumer, 40_000, ack: true);
                var again = rest.Select(m => Encoding.ASCII.GetString(m.Value.Span)).Where(confirmed.ContainsKey).ToList();
                Assert.Empty(again);
                Assert.True(rest.Count + confirmed.Count >= 20_000, $"{rest.Count} redelivered + {confirmed.Count} confirmed < 20000: messages lost");
            }
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }
}
