using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>What the fake broker saw of one request, for interception and assertions.</summary>
internal sealed record FakeRequest(int Connection, Opcode Opcode, uint RequestId, string? Topic, int Partition, long Offset)
{
    /// <summary>Bytes of the request body.</summary>
    public int BodyLength { get; init; }

    /// <summary>The shared subscription named by a queue request.</summary>
    public string? Subscription { get; init; }

    /// <summary>Ack/Nack/Extend argument (0, delay ms, visibility ms); Receive/Subscribe visibility ms; Credit amount.</summary>
    public uint Argument { get; init; }

    /// <summary>The ranges of an Ack, Nack or Extend.</summary>
    public OffsetRange[] Ranges { get; init; } = [];

    /// <summary>The push id of a Credit or Unsubscribe.</summary>
    public uint PushId { get; init; }

    /// <summary>The flags of a CreateTopic.</summary>
    public TopicFlags TopicFlags { get; init; }

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
                return Basic() with { Topic = Frames.Utf8(create.Topic), TopicFlags = create.Flags };
            case Opcode.DeleteTopic when TopicRequest.TryParse(body, out var named):
                topic = Frames.Utf8(named.Topic);
                break;
            case Opcode.TopicMetadata when TopicMetadataRequest.TryParse(body, out var described):
                topic = Frames.Utf8(described.Topic);
                break;
            case Opcode.CreateSubscription when CreateSubscriptionRequest.TryParse(body, out var created):
                return Basic() with { Topic = Frames.Utf8(created.Topic), Subscription = Frames.Utf8(created.Subscription) };
            case Opcode.DeleteSubscription or Opcode.SubscriptionStats when SubscriptionRequest.TryParse(body, out var subscription):
                return Basic() with { Topic = Frames.Utf8(subscription.Topic), Subscription = Frames.Utf8(subscription.Subscription) };
            case Opcode.Receive when ReceiveRequest.TryParse(body, out var receive):
                return Basic() with { Topic = Frames.Utf8(receive.Topic), Subscription = Frames.Utf8(receive.Subscription), Argument = receive.VisibilityTimeoutMs };
            case Opcode.Subscribe when SubscribeRequest.TryParse(body, out var subscribe):
                return Basic() with { Topic = Frames.Utf8(subscribe.Topic), Subscription = Frames.Utf8(subscribe.Subscription), Argument = subscribe.VisibilityTimeoutMs };
            case Opcode.Ack or Opcode.Nack or Opcode.Extend when SettleRequest.TryParse(body, out var settle):
            {
                var ranges = new List<OffsetRange>();
                var reader = settle.Ranges;
                while (reader.TryReadNext(out var range))
                    ranges.Add(range);
                return Basic() with
                {
                    Topic = Frames.Utf8(settle.Topic), Subscription = Frames.Utf8(settle.Subscription), Argument = settle.Argument, Ranges = [.. ranges],
                };
            }
            case Opcode.Credit when CreditRequest.TryParseCredit(body, out var credit):
                return Basic() with { PushId = credit.PushId, Argument = credit.Credit };
            case Opcode.Unsubscribe when CreditRequest.TryParseUnsubscribe(body, out var unsubscribe):
                return Basic() with { PushId = unsubscribe.PushId };
        }
        return new FakeRequest(connection, header.Opcode, header.RequestId, topic, partition, offset) { BodyLength = body.Length };

        FakeRequest Basic() => new(connection, header.Opcode, header.RequestId, null, -1, -1) { BodyLength = body.Length };
    }
}
