using System.Text;
using FastBroker.ClientLite;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests;

/// <summary>Consumer groups against the real broker: describe shows a reader's lag, a reset survives a restart and
/// makes the next reader of the group read again from the start.</summary>
public sealed class GroupTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static TopicReaderOptions Billing() => new() { Group = "billing", MaxWait = TimeSpan.FromMilliseconds(100) };

    private static async Task<List<long>> ReadAsync(string address, int count)
    {
        await using var reader = new TopicReader(address, "orders", Billing());
        using var timeout = new CancellationTokenSource(Limit);
        var offsets = new List<long>();
        await foreach (var message in reader.ReadAllAsync(timeout.Token))
        {
            offsets.Add(message.Offset);
            if (offsets.Count == count) break;
        }
        await reader.CommitAsync();
        return offsets;
    }

    [Fact]
    public async Task Describe_shows_the_lag_and_a_reset_to_earliest_survives_a_restart_and_rereads_the_topic()
    {
        string data = TempDirectories.Create("groups");
        try
        {
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var admin = await BrokerConnection.ConnectAsync(broker.Address);
                await admin.CreateTopicAsync("orders", 1);
                await using (var producer = await admin.CreateProducerAsync("orders"))
                    for (int i = 0; i < 5; i++) await producer.SendAsync(Encoding.UTF8.GetBytes($"m{i}"), partition: 0);

                Assert.Equal([0L, 1L], await ReadAsync(broker.Address, 2));

                var described = Assert.Single(await admin.DescribeGroupAsync("billing", "orders"));
                Assert.Equal(("orders", 0, (long?)2, 0L, 5L, 3L), (described.Topic, described.Partition, described.Committed, described.LogStart, described.LogEnd, described.Lag));
                Assert.NotNull(described.OldestUnconsumedAge);
                Assert.InRange(described.OldestUnconsumedAge!.Value, TimeSpan.Zero, Limit);
                Assert.Equal(["orders"], Assert.Single(await admin.ListGroupsAsync(), g => g.Name == "billing").Topics);

                Assert.Equal([(0, 0L)], await admin.ResetGroupAsync("billing", "orders", StartPosition.Earliest));
                Assert.Equal(0, await broker.StopAsync());
            }

            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var admin = await BrokerConnection.ConnectAsync(broker.Address);
                var described = Assert.Single(await admin.DescribeGroupAsync("billing"));
                Assert.Equal((0L, 5L), (described.Committed, described.Lag));

                Assert.Equal([0L, 1L, 2L, 3L, 4L], await ReadAsync(broker.Address, 5));
                var caughtUp = Assert.Single(await admin.DescribeGroupAsync("billing", "orders"));
                Assert.Equal((5L, 0L, (TimeSpan?)null), (caughtUp.Committed, caughtUp.Lag, caughtUp.OldestUnconsumedAge));
                Assert.Equal(0, await broker.StopAsync());
            }
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }
}
