using System.Text;
using FastBroker.ClientLite;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Records;

namespace FastBroker.IntegrationTests;

/// <summary>Temporary topics against the real broker (PROTOCOL.md 5.3): they last exactly as long as their creator's connection.</summary>
public sealed class TemporaryTopicTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static byte[] Batch(string value)
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), false, default, default, Encoding.UTF8.GetBytes(value));
        return builder.Seal().ToArray();
    }

    // Deletion follows the close asynchronously; bounded by Patience.
    private static async Task<BrokerException> PublishUntilUnknownAsync(BrokerConnection connection, string topic)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                await connection.PublishAsync(topic, 0, Batch("after"));
            }
            catch (BrokerException e)
            {
                return e;
            }
            Assert.True(DateTime.UtcNow < deadline, $"topic {topic} still takes publishes {Patience} after its owner closed");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Closing_the_creating_connection_deletes_the_topic_other_connections_used()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var other = await BrokerConnection.ConnectAsync(broker.Address);
        await using (var owner = await BrokerConnection.ConnectAsync(broker.Address))
        {
            await owner.CreateTopicAsync("fb.reply.temp", 1, temporary: true);
            await owner.CreateTopicAsync("durable", 1);
            Assert.Equal(0, await other.PublishAsync("fb.reply.temp", 0, Batch("before")));
            Assert.Contains(await other.ListTopicsAsync(), t => t.Name == "fb.reply.temp");
        }

        var gone = await PublishUntilUnknownAsync(other, "fb.reply.temp");
        Assert.Equal(ErrorCode.UnknownTopic, gone.Code);
        Assert.DoesNotContain(await other.ListTopicsAsync(), t => t.Name == "fb.reply.temp");
        Assert.Equal(0, await other.PublishAsync("durable", 0, Batch("kept")));
        // The name is released first, the files follow.
        var deadline = DateTime.UtcNow + Patience;
        while (Directory.Exists(Path.Combine(broker.DataDirectory, "topics", "fb.reply.temp")))
        {
            Assert.True(DateTime.UtcNow < deadline, "the topic's directory outlived it");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_temporary_topic_does_not_survive_a_kill_and_restart()
    {
        string data = TempDirectories.Create("temporary-topics");
        try
        {
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var owner = await BrokerConnection.ConnectAsync(broker.Address);
                await owner.CreateTopicAsync("fb.reply.crash", 1, temporary: true);
                await owner.CreateTopicAsync("durable", 2);
                await owner.PublishAsync("fb.reply.crash", 0, Batch("reply"));
                await owner.CommitPositionAsync("readers", "fb.reply.crash", 0, 1);
                await broker.KillAsync();
            }

            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var client = await BrokerConnection.ConnectAsync(broker.Address);
                var topics = await client.ListTopicsAsync();
                Assert.DoesNotContain(topics, t => t.Name == "fb.reply.crash");
                Assert.Contains(topics, t => t.Name == "durable" && t.Partitions == 2);
                var unknown = await Assert.ThrowsAsync<BrokerException>(() => client.PublishAsync("fb.reply.crash", 0, Batch("late")).AsTask());
                Assert.Equal(ErrorCode.UnknownTopic, unknown.Code);
                Assert.False(Directory.Exists(Path.Combine(data, "topics", "fb.reply.crash")));

                // A new topic of the same name starts empty, without the old one's positions.
                await client.CreateTopicAsync("fb.reply.crash", 1);
                Assert.Null(await client.ReadPositionAsync("readers", "fb.reply.crash", 0));
            }
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }
}
