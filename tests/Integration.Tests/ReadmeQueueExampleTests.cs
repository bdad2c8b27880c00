using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;

namespace FastBroker.IntegrationTests;

/// <summary>The README's work-queue receive sample, run against a real broker; the README must show exactly this code.</summary>
public sealed class ReadmeQueueExampleTests
{
    [Fact]
    public async Task The_readme_queue_sample_receives_and_acks_what_was_published()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var conn = await BrokerConnection.ConnectAsync(broker.Address);
        await conn.CreateQueueAsync("jobs");
        await using (var producer = await conn.CreateProducerAsync("jobs"))
        {
            await producer.SendAsync(Encoding.UTF8.GetBytes("resize image 7"));
            await producer.SendAsync(Encoding.UTF8.GetBytes("resize image 8"));
        }

        // sample-begin: queue
        await using var queue = conn.OpenQueue("jobs");
        var batch = await queue.ReceiveAsync(maxMessages: 100, wait: TimeSpan.FromSeconds(20));
        foreach (var message in batch)
        {
            Console.WriteLine(System.Text.Encoding.UTF8.GetString(message.Value.Span));
            await message.AckAsync();   // or NackAsync(delay): deliver it again; ExtendAsync(visibility): keep it longer
        }
        // sample-end

        Assert.Equal(["resize image 7", "resize image 8"], batch.Select(m => Encoding.UTF8.GetString(m.Value.Span)).Order());
        var stats = await conn.GetQueueStatsAsync("jobs", "jobs");
        Assert.Equal((0L, 2L), (stats.Depth, stats.Acked));
        Assert.Contains(DocSample.Marked("queue", indent: 8), DocSample.Readme());
    }
}
