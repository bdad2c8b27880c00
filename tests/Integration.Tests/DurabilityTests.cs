using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using Xunit.Abstractions;

namespace FastBroker.IntegrationTests;

/// <summary>What the broker acknowledges, it still has after a restart or a kill -9 (fsync always).</summary>
public sealed class DurabilityTests(ITestOutputHelper output)
{
    private static byte[] Payload(int i) => Encoding.ASCII.GetBytes($"message-{i:D7}-{new string('x', 60)}");

    private static int IndexOf(ReadOnlySpan<byte> value) => int.Parse(Encoding.ASCII.GetString(value.Slice(8, 7)));

    [Fact]
    public async Task Hundred_thousand_messages_over_four_partitions_are_read_back_in_order_after_a_restart()
    {
        const int Count = 100_000;
        const int Partitions = 4;
        string data = TempDirectories.Create("restart");
        try
        {
            var offsets = new long[Count];
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
                await connection.CreateTopicAsync("orders", Partitions);
                await using var producer = await connection.CreateProducerAsync("orders");
                var pending = new ValueTask<long>[Count];
                for (int i = 0; i < Count; i++)
                    pending[i] = producer.SendAsync(Payload(i), partition: i % Partitions);
                await producer.FlushAsync();
                for (int i = 0; i < Count; i++)
                    offsets[i] = await pending[i];
                Assert.Equal(0, await broker.StopAsync());
            }

            // Per partition, messages got consecutive offsets in the order they were sent.
            for (int i = 0; i < Count; i++)
                Assert.Equal(i / Partitions, offsets[i]);

            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var reader = new TopicReader(broker.Address, "orders", new TopicReaderOptions { Start = StartPosition.Earliest });
                var next = new long[Partitions];
                int seen = 0;
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await foreach (var message in reader.ReadAllAsync(timeout.Token))
                {
                    Assert.Equal(next[message.Partition], message.Offset);
                    next[message.Partition]++;
                    int index = IndexOf(message.Value.Span);
                    Assert.Equal(message.Partition, index % Partitions);
                    Assert.Equal(offsets[index], message.Offset);
                    Assert.Equal(Payload(index), message.Value.ToArray());
                    if (++seen == Count) break;
                }
                Assert.Equal(Count, seen);
                Assert.All(next, n => Assert.Equal(Count / Partitions, n));
            }
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }

    [Fact]
    public async Task Every_message_acknowledged_before_a_kill_9_is_present_after_restart()
    {
        const int Partitions = 3;
        const int MaxMessages = 400_000;
        string data = TempDirectories.Create("kill9");
        try
        {
            var acknowledged = new List<(int Index, int Partition, long Offset)>();
            int sent = 0;
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
                await connection.CreateTopicAsync("payments", Partitions);
                var producer = await connection.CreateProducerAsync("payments", new ProducerOptions { MaxBatchBytes = 16 * 1024 });
                var pending = new ValueTask<long>[MaxMessages];
                var killAt = DateTime.UtcNow.AddSeconds(1.5);
                Task? kill = null;
                for (; sent < MaxMessages; sent++)
                {
                    pending[sent] = producer.SendAsync(Payload(sent), partition: sent % Partitions);
                    if (kill is null && (sent % 1000 == 999) && (DateTime.UtcNow > killAt || sent > MaxMessages / 2))
                        kill = broker.KillAsync();
                    if (kill is { IsCompleted: true }) break;
                    if (sent % 20_000 == 19_999) await Task.Yield();
                }
                if (kill is null) await broker.KillAsync();
                else await kill;

                for (int i = 0; i < Math.Min(sent + 1, MaxMessages); i++)
                {
                    try
                    {
                        long offset = await pending[i];
                        acknowledged.Add((i, i % Partitions, offset));
                    }
                    catch (Exception ex) when (ex is BrokerConnectionException or BrokerException or ObjectDisposedException or OperationCanceledException)
                    {
                        // Not acknowledged: the broker owes us nothing for this one.
                    }
                }
                try { await producer.DisposeAsync(); } catch (Exception ex) when (ex is BrokerConnectionException or ProducerException) { }
            }
            Assert.NotEmpty(acknowledged);
            output.WriteLine($"sent {sent + 1}, acknowledged before the kill: {acknowledged.Count}");

            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                var stored = new Dictionary<(int Partition, long Offset), int>();
                await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
                var metadata = await connection.GetTopicMetadataAsync("payments");
                await using var reader = new TopicReader(broker.Address, "payments", new TopicReaderOptions { Start = StartPosition.Earliest });
                long total = 0;
                foreach (var range in metadata.Partitions) total += range.EndOffset;
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                if (total > 0)
                {
                    await foreach (var message in reader.ReadAllAsync(timeout.Token))
                    {
                        stored[(message.Partition, message.Offset)] = IndexOf(message.Value.Span);
                        if (stored.Count == total) break;
                    }
                }
                foreach (var (index, partition, offset) in acknowledged)
                {
                    Assert.True(stored.TryGetValue((partition, offset), out int found), $"acknowledged message {index} at {partition}/{offset} is missing");
                    Assert.Equal(index, found);
                }
            }
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }
}
