using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.IntegrationTests;

/// <summary>CreateTopic and DeleteTopic answers mean the change survives a crash (PROTOCOL.md sections 5.3, 5.4).</summary>
public sealed class AdminDurabilityTests
{
    [Fact]
    public async Task Topics_created_and_deleted_before_a_kill_are_as_answered_after_restart()
    {
        string data = TempDirectories.Create("admin-durability");
        try
        {
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var client = await RawClient.ConnectAsync(broker.Endpoint);
                Assert.Equal(ErrorCode.None, (await client.RequestAsync((w, id) => FrameWriter.WriteCreateTopic(w, id, "kept"u8, 3))).ErrorCode);
                Assert.Equal(ErrorCode.None, (await client.RequestAsync((w, id) => FrameWriter.WriteCreateTopic(w, id, "gone"u8, 1))).ErrorCode);
                Assert.Equal(ErrorCode.None, (await client.RequestAsync((w, id) => FrameWriter.WriteTopicRequest(w, Opcode.DeleteTopic, id, "gone"u8))).ErrorCode);
                await broker.KillAsync();
            }

            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var client = await RawClient.ConnectAsync(broker.Endpoint);
                var kept = await client.RequestAsync((w, id) => FrameWriter.WriteTopicRequest(w, Opcode.TopicMetadata, id, "kept"u8));
                Assert.Equal(Opcode.TopicMetadata, kept.Header.Opcode);
                Assert.True(TopicMetadataResponseReader.TryCreate(kept.Body, out var metadata));
                Assert.Equal(3, metadata.Count);
                var gone = await client.RequestAsync((w, id) => FrameWriter.WriteTopicRequest(w, Opcode.TopicMetadata, id, "gone"u8));
                Assert.Equal(ErrorCode.UnknownTopic, gone.ErrorCode);
            }
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }
}
