using System.Collections.Concurrent;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Tests.Subscriptions;

public sealed class CompetingConsumerTests : IAsyncLifetime
{
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Competing_consumers_on_threads_get_each_message_once_and_ack_it_once()
    {
        const int Partitions = 3;
        const int PerPartition = 600;
        const int Total = Partitions * PerPartition;
        var queue = await _broker.CreateQueueAsync("jobs", "jobs", QueueBroker.Settings(maxInFlight: 50), Partitions);
        for (int p = 0; p < Partitions; p++) await _broker.PublishManyAsync("jobs", p, PerPartition, perBatch: 50);

        var owners = new ConcurrentDictionary<(int, long), long>();
        int acked = 0;
        var deadline = DateTime.UtcNow + QueueBroker.Patience;
        var consumers = Enumerable.Range(1, 4).Select(holder => Task.Run(async () =>
        {
            while (Volatile.Read(ref acked) < Total)
            {
                Assert.True(DateTime.UtcNow < deadline, "consumers stalled");
                var got = QueueBroker.Receive(queue, holder, max: 7);
                if (got.Count == 0)
                {
                    await Task.Yield();
                    continue;
                }
                int applied = 0;
                foreach (var message in got)
                {
                    Assert.True(owners.TryAdd((message.Partition, message.Offset), holder), $"{message} delivered twice");
                    Assert.Equal(1, message.Deliveries);
                    Assert.Equal($"m{message.Offset}", message.Value);
                    applied += queue.Ack(new OffsetRange(message.Partition, message.Offset, 1));
                }
                Assert.Equal(got.Count, applied);
                Interlocked.Add(ref acked, applied);
            }
        })).ToArray();
        await Task.WhenAll(consumers).WaitAsync(QueueBroker.Patience);

        Assert.Equal(Total, owners.Count);
        var stats = queue.Stats();
        Assert.Equal(0, stats.InFlight);
        Assert.Equal(0, stats.Visible);
        Assert.Equal(Total, stats.Acked);
        Assert.Equal(Total, stats.Delivered);
    }

    [Fact]
    public async Task An_ack_asked_for_after_the_subscription_closed_fails_instead_of_hanging()
    {
        var queue = await _broker.CreateQueueAsync("jobs", "jobs", QueueBroker.Settings());
        Assert.True(_broker.Registry.TryGet("jobs", out var topic));
        await _broker.Set(topic).DeleteAsync("jobs");

        var waiter = new SettleWaiter();
        queue.CompleteWhenDurable(waiter, 9, Opcode.Ack, 0);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => waiter.Done.WaitAsync(QueueBroker.Patience));
        Assert.Contains(nameof(ErrorCode.ShuttingDown), failure.Message);
    }
}
