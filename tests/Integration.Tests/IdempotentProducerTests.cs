using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using Xunit.Abstractions;

namespace FastBroker.IntegrationTests;

/// <summary>Idempotent producers against the real broker: kill -9 while they send loses nothing acknowledged and
/// stores nothing twice.</summary>
public sealed class IdempotentProducerTests(ITestOutputHelper output)
{
    private static byte[] Payload(int producer, int i) => Encoding.ASCII.GetBytes($"p{producer}-{i:D6}");

    private static (int Producer, int Index) Parse(ReadOnlySpan<byte> value)
    {
        string text = Encoding.ASCII.GetString(value);
        return (text[1] - '0', int.Parse(text.AsSpan(3)));
    }

    [Fact]
    public async Task Producers_sending_through_repeated_kill_9_end_with_exactly_one_copy_of_every_message_in_order()
    {
        const int ProducerCount = 2;
        const int PerProducer = 5000;
        const int Partitions = 2;
        const int Kills = 3;
        string data = TempDirectories.Create("idempotent-kill9");
        var broker = await BrokerProcess.StartAsync(data);
        try
        {
            int port = broker.Endpoint.Port;
            await using (var admin = await BrokerConnection.ConnectAsync(broker.Address))
                await admin.CreateTopicAsync("orders", Partitions);

            var options = new ProducerOptions
            {
                Linger = TimeSpan.FromMilliseconds(2),
                InitialReconnectBackoff = TimeSpan.FromMilliseconds(50),
                MaxReconnectBackoff = TimeSpan.FromMilliseconds(500),
            };
            var producers = new Producer[ProducerCount];
            for (int p = 0; p < ProducerCount; p++)
                producers[p] = await Producer.ConnectAsync(broker.Address, "orders", options);
            Assert.NotEqual(producers[0].ProducerId, producers[1].ProducerId);

            var offsets = new long[ProducerCount, PerProducer];
            int acknowledged = 0;
            async Task SendAllAsync(int p)
            {
                var pending = new List<(int Index, Task<long> Offset)>();
                for (int i = 0; i < PerProducer; i++)
                {
                    var offset = producers[p].SendAsync(Payload(p, i), partition: i % Partitions).AsTask();
                    _ = offset.ContinueWith(_ => Interlocked.Increment(ref acknowledged), TaskScheduler.Default);
                    pending.Add((i, offset));
                    // Spread the sends, so the kills fall among them.
                    if (i % 25 == 24)
                        await Task.Delay(20);
                }
                foreach (var (index, offset) in pending)
                    offsets[p, index] = await offset;
            }
            var sending = Enumerable.Range(0, ProducerCount).Select(SendAllAsync).ToArray();

            int atLastKill = 0;
            for (int kill = 0; kill < Kills; kill++)
            {
                // Kill once a further quarter of the messages is acknowledged, and some since the restart (the
                // producers are back), so every kill finds them busy.
                int target = Math.Max(ProducerCount * PerProducer * (kill + 1) / (Kills + 1), atLastKill + 200);
                for (int wait = 0; wait < 600 && Volatile.Read(ref acknowledged) < target; wait++)
                    await Task.Delay(50);
                await broker.KillAsync();
                atLastKill = Volatile.Read(ref acknowledged);
                output.WriteLine($"kill {kill + 1} at {Volatile.Read(ref acknowledged)} acknowledged; restarting on port {port}");
                await broker.DisposeAsync();
                broker = await BrokerProcess.StartAsync(data, port);
            }

            await Task.WhenAll(sending).WaitAsync(TimeSpan.FromMinutes(3));
            foreach (var producer in producers)
            {
                await producer.FlushAsync();
                output.WriteLine($"producer {producer.ProducerId}: {producer.ReconnectCount} reconnects");
                await producer.DisposeAsync();
            }
            Assert.All(producers, p => Assert.True(p.ReconnectCount >= 1));
            Assert.True(producers.Sum(p => p.ReconnectCount) >= Kills, "the producers reconnected after each kill");

            // Every message once, at the offset its send was told, in each producer's order per partition.
            var seen = new HashSet<(int, int)>();
            var last = new int[ProducerCount, Partitions];
            for (int p = 0; p < ProducerCount; p++)
                for (int q = 0; q < Partitions; q++)
                    last[p, q] = -1;
            await using var reader = new TopicReader(broker.Address, "orders", new TopicReaderOptions { Start = StartPosition.Earliest });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            int total = 0;
            await foreach (var message in reader.ReadAllAsync(timeout.Token))
            {
                var (p, i) = Parse(message.Value.Span);
                Assert.True(seen.Add((p, i)), $"p{p}-{i} stored twice (again at {message.Partition}/{message.Offset})");
                Assert.Equal(i % Partitions, message.Partition);
                Assert.True(i > last[p, message.Partition], $"p{p}-{i} after p{p}-{last[p, message.Partition]}");
                last[p, message.Partition] = i;
                Assert.Equal(offsets[p, i], message.Offset);
                if (++total == ProducerCount * PerProducer) break;
            }
            Assert.Equal(ProducerCount * PerProducer, total);

            await using var check = await BrokerConnection.ConnectAsync(broker.Address);
            var metadata = await check.GetTopicMetadataAsync("orders");
            Assert.Equal(ProducerCount * PerProducer, metadata.Partitions.Sum(p => p.EndOffset - p.StartOffset));
        }
        finally
        {
            await broker.DisposeAsync();
            TempDirectories.Delete(data);
        }
    }

    [Fact]
    public async Task Producer_ids_are_not_handed_out_again_after_a_kill_9()
    {
        string data = TempDirectories.Create("idempotent-ids");
        try
        {
            long before;
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using (var admin = await BrokerConnection.ConnectAsync(broker.Address))
                    await admin.CreateTopicAsync("orders", 1);
                await using (var first = await Producer.ConnectAsync(broker.Address, "orders"))
                await using (var second = await Producer.ConnectAsync(broker.Address, "orders"))
                {
                    Assert.True(second.ProducerId > first.ProducerId);
                    before = second.ProducerId;
                }
                await broker.KillAsync();
            }

            await using (var broker = await BrokerProcess.StartAsync(data))
            await using (var after = await Producer.ConnectAsync(broker.Address, "orders"))
                Assert.True(after.ProducerId > before, $"id {after.ProducerId} after a restart, {before} before it");
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }
}
