using System.Collections.Concurrent;
using System.Text;
using FastBroker.ClientLite;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests.Queues;

/// <summary>ClientLite's push consumers (credit, handler form, await foreach) against the real broker.</summary>
public sealed class QueuePushTests : IAsyncLifetime
{
    private BrokerProcess _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerProcess.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task PublishAsync(BrokerConnection connection, string queue, int count, int partitions)
    {
        await using var producer = await connection.CreateProducerAsync(queue);
        for (int i = 0; i < count; i++) _ = producer.SendAsync(Encoding.ASCII.GetBytes($"m{i}"), partition: i % partitions);
        await producer.FlushAsync();
    }

    [Fact]
    public async Task The_handler_form_runs_in_parallel_within_its_bound_and_failed_messages_come_back()
    {
        const int Count = 3_000;
        await using var connection = await BrokerConnection.ConnectAsync(_broker.Address);
        await connection.CreateQueueAsync("work", new QueueOptions { MaxDeliveries = 5 }, partitions: 3);
        await PublishAsync(connection, "work", Count, 3);

        var done = new ConcurrentDictionary<string, int>();
        int running = 0, peak = 0, failures = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var consumer = connection.OpenQueue("work");
        var consuming = consumer.ConsumeAsync(async (message, ct) =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            try
            {
                await Task.Yield();
                string value = Encoding.ASCII.GetString(message.Value.Span);
                // Every tenth message fails on its first delivery and must come back with a higher count.
                if (message.DeliveryCount == 1 && value.EndsWith('7'))
                {
                    Interlocked.Increment(ref failures);
                    throw new InvalidOperationException("try again");
                }
                done.AddOrUpdate(value, message.DeliveryCount, (_, n) => Math.Max(n, message.DeliveryCount));
                if (done.Count == Count) stop.Cancel();
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }, new ConsumeOptions { Prefetch = 64, MaxDegreeOfParallelism = 4 }, stop.Token);
        await consuming;

        Assert.Equal(Count, done.Count);
        Assert.InRange(peak, 1, 4);
        Assert.Equal(Count / 10, failures);
        Assert.All(done.Where(d => d.Key.EndsWith('7')), d => Assert.Equal(2, d.Value));
        var stats = await connection.GetQueueStatsAsync("work", "work");
        Assert.Equal(0, stats.Visible + stats.Delayed);
    }

    [Fact]
    public async Task A_push_subscription_holds_at_most_its_prefetch_unsettled_and_the_rest_stays_visible()
    {
        await using var connection = await BrokerConnection.ConnectAsync(_broker.Address);
        await connection.CreateQueueAsync("slow", partitions: 1);
        await PublishAsync(connection, "slow", 500, 1);

        await using var consumer = connection.OpenQueue("slow");
        await using var subscription = await consumer.SubscribeAsync(new PushOptions { Prefetch = 20 });
        var held = new List<QueueMessage>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var message in subscription.ReadAllAsync(timeout.Token))
        {
            held.Add(message);
            if (held.Count == 20) break;
        }

        // Nothing settled: the broker may not push more than the 20 granted.
        QueueStats stats = null!;
        for (int i = 0; i < 20; i++)
        {
            stats = await connection.GetQueueStatsAsync("slow", "slow");
            await Task.Delay(25);
        }
        Assert.Equal(20, stats.InFlight);
        Assert.Equal(480, stats.Visible);

        await consumer.AckAsync(held);
        int more = 0;
        await foreach (var message in subscription.ReadAllAsync(timeout.Token))
        {
            await message.AckAsync();
            if (++more == 480) break;
        }
        stats = await connection.GetQueueStatsAsync("slow", "slow");
        Assert.Equal(0, stats.Depth);
        Assert.Equal(500, stats.Acked);
    }

    [Fact]
    public async Task Ack_mode_none_delivers_each_message_once_and_keeps_nothing_in_flight()
    {
        await using var connection = await BrokerConnection.ConnectAsync(_broker.Address);
        await connection.CreateQueueAsync("fire", new QueueOptions { AckMode = QueueAckMode.None }, partitions: 2);
        await PublishAsync(connection, "fire", 1_000, 2);

        await using var consumer = connection.OpenQueue("fire");
        await using var subscription = await consumer.SubscribeAsync(new PushOptions { Prefetch = 100 });
        var seen = new HashSet<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var message in subscription.ReadAllAsync(timeout.Token))
        {
            Assert.True(seen.Add(Encoding.ASCII.GetString(message.Value.Span)));
            if (seen.Count == 1_000) break;
        }
        var stats = await connection.GetQueueStatsAsync("fire", "fire");
        Assert.Equal(0, stats.InFlight);
        Assert.Equal(0, stats.Visible);
        Assert.Equal(1_000, stats.Acked);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (value > current)
        {
            int seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
