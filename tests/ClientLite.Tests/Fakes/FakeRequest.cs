using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>What the fake broker saw of one request, for interception and assertions.</summary>
internal sealed record FakeRequest(int Connection, Opcode Opcode, uint RequestId, string? Topic, int Partition, long Offset)
{
    public static FakeRequest Describe(int connection, FrameHeader header, byte[] body)
    {
        string? topic = null;
        int partition = -1;
        long offset = -1;
        switch (header.Opcode)
        {
            case Opcode.Publish when PublishRequest.TryParse(body, out var publish):
                (topic, partition) = (Frames.Utf8(publish.Topic), (int)publish.Partition);
                break;
            case Opcode.Fetch when FetchRequest.TryParse(body, out var fetch):
                (topic, partition, offset) = (Frames.Utf8(fetch.Topic), (int)fetch.Partition, fetch.Offset);
                break;
            case Opcode.CommitPosition when PositionRequest.TryParse(body, true, out var commit):
                (topic, partition, offset) = (Frames.Utf8(commit.Topic), (int)commit.Partition, commit.Offset);
                break;
            case Opcode.ReadPosition when PositionRequest.TryParse(body, false, out var read):
                (topic, partition) = (Frames.Utf8(read.Topic), (int)read.Partition);
                break;
            case Opcode.CreateTopic when CreateTopicRequest.TryParse(body, out var create):
                topic = Frames.Utf8(create.Topic);
                break;
            case Opcode.DeleteTopic or Opcode.TopicMetadata when TopicRequest.TryParse(body, out var named):
                topic = Frames.Utf8(named.Topic);
                break;
        }
        return new FakeRequest(connection, header.Opcode, header.RequestId, topic, partition, offset);
    }
}
