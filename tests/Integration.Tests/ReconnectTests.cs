using System.Net;
using System.Net.Sockets;
using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests;

/// <summary>A reader rides out a broker restart: it reconnects with backoff and continues without gaps or duplicates.</summary>
public sealed class ReconnectTests
{
    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task PublishAsync(string address, int from, int count)
    {
        await using var connection = await BrokerConnection.ConnectAsync(address);
        await using var producer = await connection.CreateProducerAsync("stream");
        for (int i = from; i < from + count; i++)
            _ = producer.SendAsync(Encoding.ASCII.GetBytes($"n{i}"), partition: i % 2);
        await producer.FlushAsync();
    }

    [Fact]
    public async Task Reader_continues_across_a_broker_restart_without_gaps_or_duplicates()
    {
        int port = FreePort();
        string data = TempDirectories.Create("reconnect");
        try
        {
            var broker = await BrokerProcess.StartAsync(data, port);
            await using (var admin = await BrokerConnection.ConnectAsync(broker.Address))
                await admin.CreateTopicAsync("stream", 2);
            await PublishAsync(broker.Address, 0, 1000);

            var seen = new HashSet<string>();
            await using var reader = new TopicReader(broker.Address, "stream",
                new TopicReaderOptions { Start = StartPosition.Earliest, MaxWait = TimeSpan.FromMilliseconds(100), ReconnectTimeout = TimeSpan.FromSeconds(60) });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            bool restarted = false;
            await foreach (var message in reader.ReadAllAsync(timeout.Token))
            {
                Assert.True(seen.Add(Encoding.ASCII.GetString(message.Value.Span)), "duplicate delivery");
                if (seen.Count == 500 && !restarted)
                {
                    restarted = true;
                    int exitCode = await broker.StopAsync();
                    Assert.True(exitCode == 0, $"broker exited with {exitCode}:\n{broker.Output}");
                    await broker.DisposeAsync();
                    broker = await BrokerProcess.StartAsync(data, port);
                    await PublishAsync(broker.Address, 1000, 500);
                }
                if (seen.Count == 1500) break;
            }
            await broker.DisposeAsync();

            Assert.Equal(1500, seen.Count);
            Assert.True(reader.ConnectionCount >= 2, $"expected a reconnect, saw {reader.ConnectionCount} connection(s)");
            for (int i = 0; i < 1500; i++) Assert.Contains($"n{i}", seen);
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }
}
