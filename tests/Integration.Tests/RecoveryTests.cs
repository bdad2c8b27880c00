using System.Buffers.Binary;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.IntegrationTests;

/// <summary>Restarts of the real process: clean stops, damaged files, and what each partition does about them.</summary>
public sealed class RecoveryTests
{
    private static async Task PublishAsync(RawClient client, string topic, int partition, int batches, int records)
    {
        for (int i = 0; i < batches; i++)
        {
            var batch = TestBatches.Numbered(records, 100, seed: i * records);
            var response = await client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, System.Text.Encoding.ASCII.GetBytes(topic), partition, batch));
            Assert.Equal(Opcode.Publish, response.Header.Opcode);
        }
    }

    [Fact]
    public async Task Sigterm_stops_cleanly_with_exit_code_zero()
    {
        await using var broker = await BrokerProcess.StartAsync();
        Assert.Equal(0, await broker.StopAsync());
        Assert.Contains("fastbroker stopped", broker.Output);
    }

    [Fact]
    public async Task Corruption_below_the_checkpoint_takes_only_that_partition_out_of_service()
    {
        string data = TempDirectories.Create("corrupt");
        try
        {
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var client = await RawClient.ConnectAsync(broker.Endpoint);
                await client.RequestAsync((w, id) => FrameWriter.WriteCreateTopic(w, id, "orders"u8, 2));
                await PublishAsync(client, "orders", 0, batches: 5, records: 10);
                await PublishAsync(client, "orders", 1, batches: 5, records: 10);
                Assert.Equal(0, await broker.StopAsync());
            }

            string segment = Path.Combine(data, "topics", "orders", "0", $"{0:D20}.log");
            var bytes = File.ReadAllBytes(segment);
            bytes[bytes.Length / 3] ^= 0x10;
            File.WriteAllBytes(segment, bytes);

            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var client = await RawClient.ConnectAsync(broker.Endpoint);
                var refused = await client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "orders"u8, 0, TestBatches.Numbered(1, 10)));
                Assert.Equal(ErrorCode.PartitionUnavailable, refused.ErrorCode);
                Assert.Contains("00000000000000000000.log", refused.ErrorMessage);

                var fetchRefused = await client.RequestAsync((w, id) => FrameWriter.WriteFetch(w, id, "orders"u8, 0, 0, 1 << 20, 0));
                Assert.Equal(ErrorCode.PartitionUnavailable, fetchRefused.ErrorCode);

                var served = await client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "orders"u8, 1, TestBatches.Numbered(1, 10)));
                Assert.Equal(Opcode.Publish, served.Header.Opcode);
                Assert.Equal(50, BinaryPrimitives.ReadInt64LittleEndian(served.Body));

                var metadata = await client.RequestAsync((w, id) => FrameWriter.WriteTopicRequest(w, Opcode.TopicMetadata, id, "orders"u8));
                Assert.Equal(-1, BinaryPrimitives.ReadInt64LittleEndian(metadata.Body.AsSpan(4)));
                Assert.Equal(51, BinaryPrimitives.ReadInt64LittleEndian(metadata.Body.AsSpan(4 + 16 + 8)));
            }
            // The damaged file is evidence: the broker must not have truncated or rewritten it.
            Assert.Equal(bytes, File.ReadAllBytes(segment));
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }

    [Fact]
    public async Task A_torn_tail_after_kill_is_truncated_and_the_partition_serves()
    {
        string data = TempDirectories.Create("torn");
        try
        {
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var client = await RawClient.ConnectAsync(broker.Endpoint);
                await client.RequestAsync((w, id) => FrameWriter.WriteCreateTopic(w, id, "t"u8, 1));
                await PublishAsync(client, "t", 0, batches: 3, records: 10);
                await broker.KillAsync();
            }

            // A crash mid-write: half a batch of garbage after the last acknowledged one.
            string segment = Path.Combine(data, "topics", "t", "0", $"{0:D20}.log");
            long acknowledgedLength = new FileInfo(segment).Length;
            using (var file = new FileStream(segment, FileMode.Append))
                file.Write(TestBatches.Numbered(10, 100).AsSpan(0, 300));

            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var client = await RawClient.ConnectAsync(broker.Endpoint);
                var next = await client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "t"u8, 0, TestBatches.Numbered(1, 10)));
                Assert.Equal(30, BinaryPrimitives.ReadInt64LittleEndian(next.Body));
                Assert.Contains("trunc", broker.Output, StringComparison.OrdinalIgnoreCase);
            }
            Assert.True(new FileInfo(segment).Length > acknowledgedLength);
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }

    [Fact]
    public async Task Auto_create_makes_unknown_topics_on_publish()
    {
        await using var broker = await BrokerProcess.StartAsync(null, 0, "--auto-create", "--auto-create-partitions", "3");
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);
        var published = await client.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "fresh"u8, 2, TestBatches.Numbered(2, 10)));
        Assert.Equal(Opcode.Publish, published.Header.Opcode);

        var list = await client.RequestAsync((w, id) => FrameWriter.WriteEmpty(w, Opcode.ListTopics, FrameFlags.None, id));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(list.Body));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(list.Body.AsSpan(4 + 2 + 5)));
    }

    [Fact]
    public async Task A_second_broker_on_the_same_data_directory_refuses_to_start()
    {
        await using var first = await BrokerProcess.StartAsync();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => BrokerProcess.StartAsync(first.DataDirectory));
        Assert.Contains("in use", ex.Message);
    }
}
