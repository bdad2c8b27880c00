using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Groups;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.Fuzz.Targets;

/// <summary>
/// The fuzz targets over <c>src/Wire</c>. Every decoder reports bad input as a return value, so any exception
/// escaping a target is a bug. Each target also walks everything the decoder hands back (ranges, sections,
/// records, headers), since over-reads hide in the iterators rather than in the first check. The same entry points
/// replay the saved corpus in <c>tests/Wire.Tests</c>, without AFL.
/// </summary>
public static class WireFuzzTargets
{
    /// <summary>Target names: the corpus directories under tests/Wire.Tests/FuzzCorpus and the harness argument.</summary>
    public static IReadOnlyList<string> Names { get; } = ["frame", "batch", "request", "response"];

    /// <summary>Finds a target by name.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out FuzzTarget? target)
    {
        target = name switch
        {
            "frame" => Frame,
            "batch" => Batch,
            "request" => Request,
            "response" => Response,
            _ => null,
        };
        return target is not null;
    }

    /// <summary>
    /// Input: byte 0 = segment size − 1 (the stream is cut into segments of that size), byte 1 = frame cap selector,
    /// then the byte stream. Reads frames until the parser stops, then decodes each body by its opcode.
    /// </summary>
    public static void Frame(ReadOnlySpan<byte> input)
    {
        if (input.Length < 2) return;
        int segment = input[0] + 1;
        int cap = input[1] switch { < 64 => input[1], < 128 => 4096, _ => Protocol.DefaultMaxFrameBytes };
        var buffer = SequenceSegment.Split(input[2..].ToArray(), segment);
        long before = buffer.Length;
        // Each complete frame consumes at least 12 bytes, so this loop ends.
        while (FrameParser.TryReadFrame(ref buffer, cap, out var header, out var body) == FrameStatus.Complete)
        {
            if (buffer.Length >= before || body.Length != header.BodyLength) throw new InvalidOperationException("frame parser did not consume its frame");
            before = buffer.Length;
            byte[] bytes = body.ToArray();
            DecodeRequest(header.Opcode, bytes);
            DecodeResponse(header.Opcode, bytes);
        }
    }

    /// <summary>Input: byte 0 selects the message cap, the rest is one record batch.</summary>
    public static void Batch(ReadOnlySpan<byte> input)
    {
        if (input.Length < 1) return;
        int maxMessageBytes = input[0] < 128 ? input[0] : Protocol.DefaultMaxMessageBytes;
        var batch = input[1..];
        var verdict = RecordBatch.Validate(batch, maxMessageBytes);
        RecordBatch.TryReadLength(batch, batch.Length, out _);
        RecordBatch.CrcMatches(batch);
        if (batch.Length >= RecordBatchHeader.Size)
        {
            RecordBatchHeader.Read(batch);
            int records = WalkRecords(batch);
            if (verdict == ErrorCode.None && records != RecordBatch.ReadRecordCount(batch))
                throw new InvalidOperationException("a valid batch read back a different record count");
        }
    }

    /// <summary>Input: byte 0 selects the request decoder, the rest is the frame body.</summary>
    public static void Request(ReadOnlySpan<byte> input)
    {
        if (input.Length < 1) return;
        DecodeRequest(RequestOpcodes[input[0] % RequestOpcodes.Length], input[1..]);
    }

    /// <summary>Input: byte 0 selects the response decoder, the rest is the frame body.</summary>
    public static void Response(ReadOnlySpan<byte> input)
    {
        if (input.Length < 1) return;
        DecodeResponse(ResponseOpcodes[input[0] % ResponseOpcodes.Length], input[1..]);
    }

    private static readonly Opcode[] RequestOpcodes =
    [
        Opcode.Handshake, Opcode.CreateTopic, Opcode.DeleteTopic, Opcode.TopicMetadata, Opcode.Publish, Opcode.Fetch,
        Opcode.CommitPosition, Opcode.ReadPosition, Opcode.CreateSubscription, Opcode.DeleteSubscription,
        Opcode.SubscriptionStats, Opcode.Receive, Opcode.Ack, Opcode.Nack, Opcode.Extend, Opcode.Subscribe,
        Opcode.Credit, Opcode.Unsubscribe, Opcode.AlterTopic, Opcode.ListOffsets, Opcode.ResetSubscription,
        Opcode.DescribeGroup, Opcode.ResetGroup, Opcode.JoinGroup, Opcode.Heartbeat, Opcode.LeaveGroup,
        Opcode.InitProducer,
    ];

    private static readonly Opcode[] ResponseOpcodes =
    [
        Opcode.Handshake, Opcode.Error, Opcode.Publish, Opcode.Fetch, Opcode.ListTopics, Opcode.TopicMetadata,
        Opcode.ReadPosition, Opcode.SubscriptionStats, Opcode.Receive, Opcode.Ack, Opcode.ListOffsets,
        Opcode.ResetSubscription, Opcode.ListGroups, Opcode.DescribeGroup, Opcode.ResetGroup, Opcode.JoinGroup, Opcode.Heartbeat,
        Opcode.InitProducer,
    ];

    private static void DecodeRequest(Opcode opcode, ReadOnlySpan<byte> body)
    {
        switch (opcode)
        {
            case Opcode.Handshake:
                if (HandshakeRequest.TryParse(body, out var handshake)) System.Text.Unicode.Utf8.IsValid(handshake.ClientName);
                break;
            case Opcode.CreateTopic:
                CreateTopicRequest.TryParse(body, out _);
                break;
            case Opcode.DeleteTopic or Opcode.TopicMetadata:
                TopicRequest.TryParse(body, out _);
                break;
            case Opcode.Publish:
                if (PublishRequest.TryParse(body, out var publish)) RecordBatch.Validate(publish.Batch, Protocol.DefaultMaxMessageBytes);
                break;
            case Opcode.Fetch:
                FetchRequest.TryParse(body, out _);
                break;
            case Opcode.InitProducer:
                InitProducerMessage.TryParse(body, out _);
                break;
            case Opcode.CommitPosition or Opcode.ReadPosition:
                if (PositionRequest.TryParse(body, opcode == Opcode.CommitPosition, out var position)) GroupName.IsValid(position.Group);
                break;
            case Opcode.CreateSubscription:
                CreateSubscriptionRequest.TryParse(body, out _);
                break;
            case Opcode.DeleteSubscription or Opcode.SubscriptionStats:
                SubscriptionRequest.TryParse(body, out _);
                break;
            case Opcode.Receive:
                ReceiveRequest.TryParse(body, out _);
                break;
            case Opcode.Ack or Opcode.Nack or Opcode.Extend:
                if (SettleRequest.TryParse(body, out var settle))
                {
                    int ranges = 0;
                    var reader = settle.Ranges;
                    while (reader.TryReadNext(out _)) ranges++;
                    if (ranges != settle.RangeCount) throw new InvalidOperationException("settle ranges read back a different count");
                }
                break;
            case Opcode.Subscribe:
                SubscribeRequest.TryParse(body, out _);
                break;
            case Opcode.Credit:
                CreditRequest.TryParseCredit(body, out _);
                break;
            case Opcode.Unsubscribe:
                CreditRequest.TryParseUnsubscribe(body, out _);
                break;
            case Opcode.AlterTopic:
                AlterTopicRequest.TryParse(body, out _);
                break;
            case Opcode.ListOffsets:
                if (ListOffsetsRequest.TryParse(body, out var list))
                    for (int i = 0; i < list.Count; i++) _ = list[i];
                break;
            case Opcode.ResetSubscription:
                if (ResetSubscriptionRequest.TryParse(body, out var reset)) reset.Start.Validate();
                break;
            case Opcode.DescribeGroup:
                DescribeGroupRequest.TryParse(body, out _);
                break;
            case Opcode.ResetGroup:
                if (ResetGroupRequest.TryParse(body, out var resetGroup))
                    for (int i = 0; i < resetGroup.Count; i++) _ = resetGroup[i];
                break;
            case Opcode.JoinGroup:
                JoinGroupRequest.TryParse(body, out _);
                break;
            case Opcode.Heartbeat:
                if (HeartbeatRequest.TryParse(body, out var heartbeat)) heartbeat.Owned.ToArray();
                break;
            case Opcode.LeaveGroup:
                LeaveGroupRequest.TryParse(body, out _);
                break;
        }
    }

    private static void DecodeResponse(Opcode opcode, ReadOnlySpan<byte> body)
    {
        switch (opcode)
        {
            case Opcode.Handshake:
                HandshakeResponse.TryParse(body, out _);
                break;
            case Opcode.Error:
                ErrorResponse.TryParse(body, out _);
                break;
            case Opcode.Publish or Opcode.ReadPosition:
                OffsetResponse.TryParse(body, out _);
                break;
            case Opcode.InitProducer:
                InitProducerMessage.TryParse(body, out _);
                break;
            case Opcode.Fetch:
                if (FetchResponse.TryParse(body, out var fetch)) WalkBatches(fetch.Batches);
                break;
            case Opcode.ListTopics:
                if (ListTopicsResponseReader.TryCreate(body, out var topics))
                {
                    while (topics.TryReadNext(out _, out _)) { }
                    _ = topics.IsComplete;
                }
                break;
            case Opcode.TopicMetadata:
                if (TopicMetadataResponseReader.TryCreate(body, out var metadata))
                    while (metadata.TryReadNext(out _, out _)) { }
                if (TopicMetadataResponseReader.TryCreate(body, withId: true, withRetention: true, out var withRetention))
                    while (withRetention.TryReadNext(out _, out _)) { }
                break;
            case Opcode.ListOffsets or Opcode.ResetGroup:
                if (ListOffsetsResponseReader.TryCreate(body, out var offsets))
                    while (offsets.TryReadNext(out _, out _)) { }
                break;
            case Opcode.ResetSubscription:
                ResetSubscriptionResponse.TryParse(body, out _);
                break;
            case Opcode.ListGroups:
                if (ListGroupsResponseReader.TryCreate(body, out var groups))
                {
                    while (groups.TryReadGroup(out _, out int topicCount))
                        for (int i = 0; i < topicCount && groups.TryReadTopic(out _); i++) { }
                    _ = groups.IsComplete;
                }
                break;
            case Opcode.DescribeGroup:
                if (DescribeGroupResponseReader.TryCreate(body, out var described))
                {
                    while (described.TryReadNext(out _, out _, out _, out _, out _, out _, out _)) { }
                    // The members section is optional: walk it when the bytes go on.
                    if (described.TryBeginMembers(out _))
                    {
                        while (described.TryReadMember(out _, out _, out _, out _, out _, out var assigned, out var revoking))
                        {
                            assigned.ToArray();
                            revoking.ToArray();
                        }
                    }
                }
                break;
            case Opcode.JoinGroup or Opcode.Heartbeat:
                if (GroupAssignmentReader.TryParse(body, opcode == Opcode.JoinGroup, out var assignment)) assignment.Partitions.ToArray();
                break;
            case Opcode.SubscriptionStats:
                SubscriptionStats.TryParse(body, out _);
                break;
            case Opcode.Receive or Opcode.Deliver:
                if (DeliveryReader.TryCreate(body, out var delivery))
                {
                    while (delivery.TryReadSection(out var section))
                    {
                        for (int i = 0; i < section.RangeCount; i++) section.GetRange(i);
                        WalkBatches(section.Batches);
                    }
                }
                break;
            case Opcode.Ack or Opcode.Nack or Opcode.Extend:
                if (body.Length == 4) System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(body);
                break;
        }
    }

    // Walks back-to-back batches the way a consumer does: length first, checks, then the records.
    private static void WalkBatches(ReadOnlySpan<byte> batches)
    {
        while (RecordBatch.TryReadLength(batches, batches.Length, out int length))
        {
            var batch = batches[..length];
            if (RecordBatch.CrcMatches(batch)) WalkRecords(batch);
            batches = batches[length..];
        }
    }

    private static int WalkRecords(ReadOnlySpan<byte> batch)
    {
        var reader = new RecordBatchReader(batch);
        int count = 0;
        // Each record read consumes at least 4 bytes, so this loop ends.
        while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
        {
            var headers = new RecordHeaderReader(record.Headers);
            for (int i = 0; i < record.HeaderCount && headers.TryReadNext(out _, out _); i++) { }
            count++;
        }
        return count;
    }
}
