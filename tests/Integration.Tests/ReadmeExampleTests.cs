using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;

namespace FastBroker.IntegrationTests;

/// <summary>
/// The ClientLite example in README.md, run twice against a real broker; the README must show exactly this code.
/// tests/package-smoke.sh runs the README's block itself, restored from the NuGet packages.
/// </summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task The_readme_example_runs_twice_on_one_broker_and_the_readme_shows_it_verbatim()
    {
        await using var broker = await BrokerProcess.StartAsync();
        string server = broker.Address;

        async Task<int> RunReadmeExample()
        {
            // sample-begin
            await using var conn = await BrokerConnection.ConnectAsync(server);
            try
            {
                await conn.CreateTopicAsync("orders", partitions: 4);
            }
            catch (BrokerException e) when (e.Code == ErrorCode.TopicExists)
            {
                // created by an earlier run: publish to it again
            }

            // Producer: batches per partition (max batch bytes, linger, max in-flight), one ValueTask<long> per message
            // that completes with the message's offset once the broker has stored it durably.
            await using (var producer = await conn.CreateProducerAsync("orders"))
            {
                long offset = await producer.SendAsync("hello"u8.ToArray(), key: "customer-42"u8.ToArray());
                Console.WriteLine($"hello stored at offset {offset}");
                for (int i = 0; i < 10_000; i++)
                    _ = producer.SendAsync(System.Text.Encoding.UTF8.GetBytes($"order {i}"));
                await producer.FlushAsync();   // throws ProducerException listing any messages that failed
            }

            // Reader: long-polls every partition, resumes from the group's position, reconnects with backoff.
            // The group "billing" has committed what earlier runs read, so this run reads the 10,001 messages it sent.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await using var reader = new TopicReader(server, "orders",
                new TopicReaderOptions { Group = "billing", Start = StartPosition.Earliest });
            int read = 0;
            await foreach (var message in reader.ReadAllAsync(timeout.Token))
            {
                Console.WriteLine($"{message.Partition}/{message.Offset}: {System.Text.Encoding.UTF8.GetString(message.Value.Span)}");
                await reader.CommitAsync();   // stores the next offsets of the partitions read so far
                if (++read == 10_001) break;
            }
            Console.WriteLine($"read {read} messages");
            // sample-end
            return read;
        }

        Assert.Equal(10_001, await RunReadmeExample());
        // The second run finds the topic and resumes the group where the first stopped.
        Assert.Equal(10_001, await RunReadmeExample());

        await using var check = await BrokerConnection.ConnectAsync(server);
        TopicMetadata orders = await check.GetTopicMetadataAsync("orders");
        long committed = 0;
        long stored = 0;
        for (int p = 0; p < 4; p++)
        {
            committed += await check.ReadPositionAsync("billing", "orders", p) ?? 0;
            stored += orders.Partitions[p].EndOffset;
        }
        Assert.Equal(20_002, stored);
        Assert.Equal(20_002, committed);
        Assert.Contains(DocSample.Marked(indent: 12), DocSample.Readme());
    }
}
