using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests;

/// <summary>The ClientLite example in README.md, run against a real broker so the README stays true.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task The_readme_producer_and_reader_example_works()
    {
        await using var broker = await BrokerProcess.StartAsync();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var cancellationToken = cancellation.Token;

        await using var conn = await BrokerConnection.ConnectAsync(broker.Address);
        await conn.CreateTopicAsync("orders", partitions: 4);

        await using (var producer = await conn.CreateProducerAsync("orders"))
        {
            long offset = await producer.SendAsync("hello"u8.ToArray(), key: "customer-42"u8.ToArray());
            Assert.Equal(0, offset);
            for (int i = 0; i < 10_000; i++)
                _ = producer.SendAsync(System.Text.Encoding.UTF8.GetBytes($"order {i}"));
            await producer.FlushAsync();
        }

        int seen = 0;
        await using (var reader = new TopicReader(broker.Address, "orders",
            new TopicReaderOptions { Group = "billing", Start = StartPosition.Earliest }))
        {
            await foreach (var message in reader.ReadAllAsync(cancellationToken))
            {
                Assert.NotEmpty(System.Text.Encoding.UTF8.GetString(message.Value.Span));
                await reader.CommitAsync();
                if (++seen == 10_001) break;
            }
        }
        Assert.Equal(10_001, seen);

        // The group's committed positions cover everything it read.
        long committed = 0;
        for (int p = 0; p < 4; p++)
            committed += await conn.ReadPositionAsync("billing", "orders", p) ?? 0;
        Assert.Equal(10_001, committed);
    }
}
