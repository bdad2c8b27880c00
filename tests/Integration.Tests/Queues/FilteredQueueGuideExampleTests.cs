using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire.Records;

namespace FastBroker.IntegrationTests.Queues;

/// <summary>The filtered-queue sample of docs/QUEUES.md, run against a real broker; the guide must show exactly it.</summary>
public sealed class FilteredQueueGuideExampleTests
{
    [Fact]
    public async Task The_guide_filtered_queue_example_delivers_only_matching_messages()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
        await connection.CreateTopicAsync("orders", partitions: 2);

        // sample-begin
        await connection.CreateSubscriptionAsync("orders", "jobs-eu", new QueueOptions
        {
            Filter = "key ~ \"eu.#\" and header(type) = \"created\"",
            DeadLetterExpired = true,   // default false: expired messages are dropped
        });
        await using var euJobs = connection.OpenSubscription("orders", "jobs-eu");
        // sample-end

        RecordHeader[] created = [new("type", "created"u8.ToArray())];
        RecordHeader[] cancelled = [new("type", "cancelled"u8.ToArray())];
        await using (var producer = await connection.CreateProducerAsync("orders"))
        {
            _ = producer.SendAsync("a"u8.ToArray(), key: "eu.fr.1"u8.ToArray(), headers: created);
            _ = producer.SendAsync("b"u8.ToArray(), key: "us.ny.2"u8.ToArray(), headers: created);
            _ = producer.SendAsync("c"u8.ToArray(), key: "eu.de.3"u8.ToArray(), headers: cancelled);
            _ = producer.SendAsync("d"u8.ToArray(), key: "eu.4"u8.ToArray(), headers: created);
            await producer.FlushAsync();
        }

        var received = new List<string>();
        for (int attempt = 0; attempt < 20 && received.Count < 2; attempt++)
        {
            var messages = await euJobs.ReceiveAsync(maxMessages: 10, wait: TimeSpan.FromSeconds(1));
            foreach (var message in messages) received.Add(Encoding.UTF8.GetString(message.Value.Span));
            await euJobs.AckAsync(messages);
        }
        received.Sort(StringComparer.Ordinal);
        Assert.Equal(["a", "d"], received);
        Assert.Empty(await euJobs.ReceiveAsync(maxMessages: 10, wait: TimeSpan.FromMilliseconds(300)));

        var stats = await connection.GetQueueStatsAsync("orders", "jobs-eu");
        Assert.Equal(2, stats.Filtered);
        Assert.Contains(DocSample.Marked(), DocSample.Document("QUEUES.md"));
    }
}
