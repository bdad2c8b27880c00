using System.Text;
using FastBroker.ClientLite;
using FastBroker.Testing;
using FastBroker.Wire;

namespace FastBroker.IntegrationTests;

/// <summary>
/// A topic deleted and created again under the same name, against the real broker: it has another id, readers notice,
/// and no group position of the old topic reaches the new one.
/// </summary>
public sealed class RecreatedTopicTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static TopicReaderOptions Fast(string? group = null) => new()
    {
        Group = group,
        MaxWait = TimeSpan.FromMilliseconds(100),
        TopicRefreshInterval = TimeSpan.FromMilliseconds(200),
    };

    private static async Task PublishAsync(BrokerConnection admin, string topic, int partition, params string[] values)
    {
        // A producer per call: it reads the partition count of the topic as it is now.
        await using var producer = await admin.CreateProducerAsync(topic);
        foreach (string value in values)
            await producer.SendAsync(Encoding.UTF8.GetBytes(value), partition: partition);
    }

    [Fact]
    public async Task A_pattern_reader_reads_every_message_of_a_topic_recreated_with_more_partitions()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var admin = await BrokerConnection.ConnectAsync(broker.Address);
        await admin.CreateTopicAsync("orders.a", 1);
        await PublishAsync(admin, "orders.a", 0, "old0", "old1", "old2");
        await using var reader = TopicReader.ForPattern(broker.Address, "orders.*", Fast());
        using var timeout = new CancellationTokenSource(Limit);

        var seen = new List<string>();
        await foreach (var message in reader.ReadAllAsync(timeout.Token))
        {
            seen.Add($"{message.Partition}:{message.Offset}:{Encoding.UTF8.GetString(message.Value.Span)}");
            if (seen.Count == 3)
            {
                await admin.DeleteTopicAsync("orders.a");
                await admin.CreateTopicAsync("orders.a", 3);
                // Partition 0 reaches offset 3, where the reader stood in the old topic: without the id it would
                // wait there and miss new offsets 0..2.
                await PublishAsync(admin, "orders.a", 0, "p0-0", "p0-1", "p0-2", "p0-3");
                await PublishAsync(admin, "orders.a", 1, "p1-0");
                await PublishAsync(admin, "orders.a", 2, "p2-0", "p2-1");
            }
            if (seen.Distinct().Count() == 10)
                break;
        }

        string[] expected = ["0:0:old0", "0:1:old1", "0:2:old2", "0:0:p0-0", "0:1:p0-1", "0:2:p0-2", "0:3:p0-3", "1:0:p1-0", "2:0:p2-0", "2:1:p2-1"];
        Assert.Equal(expected.Order(), seen.Distinct().Order());
        Assert.Equal(3, Enumerable.Range(0, 3).Count(p => reader.GetPosition("orders.a", p) is not null));
    }

    [Fact]
    public async Task A_single_topic_reader_fails_clearly_when_its_topic_is_recreated()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var admin = await BrokerConnection.ConnectAsync(broker.Address);
        await admin.CreateTopicAsync("orders", 1);
        await PublishAsync(admin, "orders", 0, "old0");
        await using var reader = new TopicReader(broker.Address, "orders", Fast());
        using var timeout = new CancellationTokenSource(Limit);

        var error = await Assert.ThrowsAsync<BrokerException>(async () =>
        {
            await foreach (var _ in reader.ReadAllAsync(timeout.Token))
            {
                await admin.DeleteTopicAsync("orders");
                await admin.CreateTopicAsync("orders", 1);
                await PublishAsync(admin, "orders", 0, "new0");
            }
        });

        Assert.Equal(ErrorCode.UnknownTopic, error.Code);
        Assert.Contains("deleted and created again", error.Message);
    }

    [Fact]
    public async Task Group_positions_do_not_reach_a_recreated_topic_and_ids_survive_a_restart()
    {
        string data = TempDirectories.Create("recreate");
        try
        {
            Guid keptId;
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var admin = await BrokerConnection.ConnectAsync(broker.Address);
                await admin.CreateTopicAsync("orders", 2);
                await admin.CreateTopicAsync("kept", 1);
                await PublishAsync(admin, "orders", 1, "a", "b", "c");
                await admin.CommitPositionAsync("billing", "orders", 1, 3);
                await admin.CommitPositionAsync("billing", "kept", 0, 0);
                Guid oldId = (await admin.GetTopicMetadataAsync("orders")).TopicId;

                await admin.DeleteTopicAsync("orders");
                await admin.CreateTopicAsync("orders", 2);

                // Right after the answer, not eventually: DeleteTopic answers once the positions are gone.
                Assert.Null(await admin.ReadPositionAsync("billing", "orders", 1));
                Assert.NotEqual(oldId, (await admin.GetTopicMetadataAsync("orders")).TopicId);
                keptId = (await admin.GetTopicMetadataAsync("kept")).TopicId;
                Assert.Equal(keptId, (await admin.ListTopicsAsync()).Single(t => t.Name == "kept").TopicId);
                Assert.Equal(0, await broker.StopAsync());
            }

            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var admin = await BrokerConnection.ConnectAsync(broker.Address);
                Assert.Null(await admin.ReadPositionAsync("billing", "orders", 1));
                Assert.Equal(0, await admin.ReadPositionAsync("billing", "kept", 0));
                Assert.Equal(keptId, (await admin.GetTopicMetadataAsync("kept")).TopicId);
                Assert.Equal(0, await broker.StopAsync());
            }
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }

    [Fact]
    public async Task A_start_drops_the_positions_of_a_topic_whose_files_are_gone()
    {
        string data = TempDirectories.Create("recreate-crash");
        try
        {
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var admin = await BrokerConnection.ConnectAsync(broker.Address);
                await admin.CreateTopicAsync("orders", 1);
                await admin.CommitPositionAsync("billing", "orders", 0, 7);
                await broker.KillAsync();
            }
            // What a crash between a delete's removal of the topic and the removal of its positions leaves.
            Directory.Delete(Path.Combine(data, "topics", "orders"), recursive: true);

            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var admin = await BrokerConnection.ConnectAsync(broker.Address);
                await admin.CreateTopicAsync("orders", 1);
                Assert.Null(await admin.ReadPositionAsync("billing", "orders", 0));
                Assert.Equal(0, await broker.StopAsync());
            }
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }
}
