using System.Buffers;
using System.Text;
using FastBroker.Server.Positions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Sessions;

internal sealed partial class Session
{
    private const int MaxPingBytes = 1024;

    private void Ping(uint requestId, in ReadOnlySequence<byte> body)
    {
        if (body.Length > MaxPingBytes)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"ping payload over {MaxPingBytes} bytes");
            return;
        }
        byte[] echo = ArrayPool<byte>.Shared.Rent(Math.Max(1, (int)body.Length));
        body.CopyTo(echo);
        Enqueue(new Outbound(OutboundKind.Ping, Opcode.Ping, requestId, Length: (int)body.Length, Data: echo));
    }

    private async ValueTask<bool> CreateTopicAsync(uint requestId, string? name, uint partitions)
    {
        if (name is null)
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed create-topic request");
            return true;
        }
        var (code, message, _) = await _broker.Topics.CreateAsync(name, (int)Math.Min(partitions, int.MaxValue)).ConfigureAwait(false);
        Answer(requestId, Opcode.CreateTopic, code, message);
        return true;
    }

    private ValueTask<bool> CreateTopicAsync(uint requestId, ReadOnlySpan<byte> body)
        => CreateTopicRequest.TryParse(body, out var request)
            ? CreateTopicAsync(requestId, DecodeName(request.Topic), request.Partitions)
            : CreateTopicAsync(requestId, null, 0);

    private ValueTask<bool> DeleteTopicAsync(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!TopicRequest.TryParse(body, out var request)) return Malformed(requestId, "malformed delete-topic request");
        return DeleteTopicAsync(requestId, DecodeName(request.Topic));
    }

    private async ValueTask<bool> DeleteTopicAsync(uint requestId, string name)
    {
        var (code, message) = await _broker.Topics.DeleteAsync(name).ConfigureAwait(false);
        if (code == ErrorCode.None) _broker.Positions.RemoveTopic(name);
        Answer(requestId, Opcode.DeleteTopic, code, message);
        return true;
    }

    private void ListTopics(uint requestId, in ReadOnlySequence<byte> body)
    {
        if (!body.IsEmpty)
        {
            Fail(requestId, ErrorCode.MalformedFrame, "list-topics takes an empty body");
            return;
        }
        Enqueue(new Outbound(OutboundKind.ListTopics, Opcode.ListTopics, requestId, Data: _broker.Topics.List()));
    }

    private ValueTask<bool> TopicMetadataAsync(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!TopicRequest.TryParse(body, out var request)) return Malformed(requestId, "malformed topic-metadata request");
        if (_broker.Topics.TryGet(request.Topic, out var topic))
        {
            AnswerMetadata(requestId, topic);
            return new ValueTask<bool>(true);
        }
        if (_broker.Options.AutoCreateTopics && Topics.TopicName.IsValid(request.Topic))
            return AutoCreateThenDescribeAsync(requestId, DecodeName(request.Topic));
        TryResolve(requestId, request.Topic, null, 0, out _);
        return new ValueTask<bool>(true);
    }

    private async ValueTask<bool> AutoCreateThenDescribeAsync(uint requestId, string name)
    {
        var (code, message, topic) = await _broker.Topics.CreateAsync(name, _broker.Options.AutoCreatePartitions, existingIsOk: true).ConfigureAwait(false);
        if (code != ErrorCode.None) Fail(requestId, code, message);
        else AnswerMetadata(requestId, topic!);
        return true;
    }

    // Partitions that refuse service report start = end = -1 so clients can tell them apart from empty ones.
    private void AnswerMetadata(uint requestId, Topics.Topic topic)
    {
        var ranges = new (long Start, long End)[topic.Partitions.Length];
        for (int i = 0; i < ranges.Length; i++)
            ranges[i] = topic.Partitions[i].TryGetJournal(out var journal, out _)
                ? (journal.StartOffset, journal.CommittedEndOffset)
                : (-1, -1);
        Enqueue(new Outbound(OutboundKind.TopicMetadata, Opcode.TopicMetadata, requestId, Data: ranges));
    }

    private void CommitPosition(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!PositionRequest.TryParse(body, withOffset: true, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed commit-position request");
            return;
        }
        if (!TryPositionKey(requestId, request, out var key)) return;
        if (request.Offset < 0)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"position {request.Offset} is negative");
            return;
        }
        // Answered by the store's loop once the group holding it is durable (or with why it is not).
        if (!_broker.Positions.TryCommit(key, request.Offset, this, requestId))
            Fail(requestId, ErrorCode.ShuttingDown, "the position store is closing");
    }

    private void ReadPosition(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!PositionRequest.TryParse(body, withOffset: false, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed read-position request");
            return;
        }
        if (!TryPositionKey(requestId, request, out var key)) return;
        long offset = _broker.Positions.TryGet(key, out long stored) ? stored : Protocol.NoPosition;
        Enqueue(new Outbound(OutboundKind.Int64, Opcode.ReadPosition, requestId, Value: offset));
    }

    private bool TryPositionKey(uint requestId, in PositionRequest request, out PositionKey key)
    {
        key = default;
        if (request.Group.Length is 0 or > Protocol.MaxGroupNameBytes)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"group name must be 1..{Protocol.MaxGroupNameBytes} bytes");
            return false;
        }
        if (!TryResolve(requestId, request.Topic, null, request.Partition, out var partition)) return false;
        key = new PositionKey(Encoding.UTF8.GetString(request.Group), partition.Topic, partition.Index);
        return true;
    }

    private void Answer(uint requestId, Opcode opcode, ErrorCode code, string message)
    {
        if (code == ErrorCode.None) Enqueue(new Outbound(OutboundKind.Empty, opcode, requestId));
        else Fail(requestId, code, message);
    }

    private static string DecodeName(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);
}
