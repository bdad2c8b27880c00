using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire.Records;

namespace FastBroker.IntegrationTests;

/// <summary>Deduplication ids (PROTOCOL.md 6.8) against the real broker: an application that publishes again with new
/// producers and connections, through the CLI, and across a restart, stores each id once.</summary>
public sealed class DedupIdTests
{
    private const int Ids = 20;

    private static async Task<long> StoredCountAsync(string address)
    {
        await using var admin = await BrokerConnection.ConnectAsync(address);
        var metadata = await admin.GetTopicMetadataAsync("orders");
        return metadata.Partitions.Sum(p => p.EndOffset - p.StartOffset);
    }

    // Every stored value of the topic, by partition and offset.
    private static async Task<Dictionary<(int, long), string>> StoredValuesAsync(string address)
    {
        var values = new Dictionary<(int, long), string>();
        await using var admin = await BrokerConnection.ConnectAsync(address);
        var metadata = await admin.GetTopicMetadataAsync("orders");
        for (int p = 0; p < metadata.PartitionCount; p++)
        {
            long offset = 0;
            for (int round = 0; round < 100 && offset < metadata.Partitions[p].EndOffset; round++)
            {
                using var fetch = await admin.FetchAsync("orders", p, offset, 1 << 20, TimeSpan.Zero);
                var reader = new RecordBatchReader(fetch.Batches.Span);
                while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
                {
                    if (record.Offset >= offset) values[(p, record.Offset)] = Encoding.UTF8.GetString(record.Value);
                    offset = record.Offset + 1;
                }
            }
        }
        return values;
    }

    private static async Task<long[]> SendAsync(string address, string prefix, int count)
    {
        await using var producer = await Producer.ConnectAsync(address, "orders");
        var sends = new List<ValueTask<long>>();
        for (int i = 0; i < count; i++)
            sends.Add(producer.SendAsync(Encoding.UTF8.GetBytes($"{prefix}-{i}"), $"order-{i}", key: Encoding.UTF8.GetBytes($"customer-{i}")));
        await producer.FlushAsync();
        var offsets = new long[count];
        for (int i = 0; i < count; i++) offsets[i] = await sends[i];
        return offsets;
    }

    [Fact]
    public async Task Two_producers_publishing_the_same_ids_store_one_copy_and_the_second_gets_the_first_offsets_also_after_a_restart()
    {
        string data = TempDirectories.Create("dedup-ids");
        var broker = await BrokerProcess.StartAsync(data);
        try
        {
            await using (var admin = await BrokerConnection.ConnectAsync(broker.Address))
                await admin.CreateTopicAsync("orders", 3);

            long[] first = await SendAsync(broker.Address, "first", Ids);
            long[] second = await SendAsync(broker.Address, "second", Ids + 5);

            Assert.Equal(first, second[..Ids]);
            Assert.Equal(Ids + 5, await StoredCountAsync(broker.Address));
            var values = await StoredValuesAsync(broker.Address);
            Assert.Equal(Ids, values.Values.Count(v => v.StartsWith("first-", StringComparison.Ordinal)));
            Assert.Equal(["second-20", "second-21", "second-22", "second-23", "second-24"],
                values.Values.Where(v => v.StartsWith("second-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));

            // The CLI: the id's record is there already, so the offset printed is the first one's.
            var cli = await Cli.RunAsync(broker.Address, "again\n", "publish", "orders", "--key", "customer-3", "--dedup-id", "order-3");
            Assert.Equal(0, cli.ExitCode);
            Assert.Equal($"published 1 (offset {first[3]})", cli.Stdout.Trim());
            var fresh = await Cli.RunAsync(broker.Address, "new\n", "publish", "orders", "--key", "customer-99", "--dedup-id", "order-99");
            Assert.Equal(0, fresh.ExitCode);
            Assert.Equal(Ids + 6, await StoredCountAsync(broker.Address));

            await broker.KillAsync();
            await broker.DisposeAsync();
            broker = await BrokerProcess.StartAsync(data);

            long[] third = await SendAsync(broker.Address, "third", Ids);
            Assert.Equal(first, third);
            Assert.Equal(Ids + 6, await StoredCountAsync(broker.Address));
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_the_window_off_the_same_id_is_stored_again()
    {
        string data = TempDirectories.Create("dedup-off");
        await using var broker = await BrokerProcess.StartAsync(data, 0, "--dedup-window", "off");
        await using (var admin = await BrokerConnection.ConnectAsync(broker.Address))
            await admin.CreateTopicAsync("orders", 1);

        long[] first = await SendAsync(broker.Address, "first", 3);
        long[] second = await SendAsync(broker.Address, "second", 3);

        Assert.Equal([0L, 1, 2], first);
        Assert.Equal([3L, 4, 5], second);
    }

    [Fact]
    public async Task An_id_longer_than_128_bytes_is_refused_by_the_cli()
    {
        string data = TempDirectories.Create("dedup-cli");
        await using var broker = await BrokerProcess.StartAsync(data);
        var result = await Cli.RunAsync(broker.Address, "x\n", "publish", "orders", "--dedup-id", new string('x', 129));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--dedup-id", result.Stderr);
    }
}
