using System.Buffers;
using System.Text;
using FastBroker.Server.Positions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Sessions;

internal sealed partial class Session
{
    // Any payload the frame cap lets in is echoed (PROTOCOL.md section 5.2); what bounds the memory held for echoes
    // is the connection's output limit, not a ping-specific cap.
    private void Ping(uint requestId, in ReadOnlySequence<byte> body)
    {
        byte[] echo = ArrayPool<byte>.Shared.Rent(Math.Max(1, (int)body.Length));
        body.CopyTo(echo);
        Enqueue(new Outbound(OutboundKind.Ping, Opcode.Ping, requestId, Length: (int)body.Length, Data: echo));
    }

    private async ValueTask<bool> CreateTopicAsync(uint requestId, string? name, uint partitions, TopicFlags flags, long retentionMs, long retentionBytes,
        long dedupWindowMs)
    {
        if (name is null)
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed create-topic request");
            return true;
        }
        var (code, message, topic) = await CreateTopicGuardedAsync(name, (int)Math.Min(partitions, int.MaxValue), flags: flags,
            retentionMs: retentionMs, retentionBytes: retentionBytes, dedupWindowMs: dedupWindowMs).ConfigureAwait(false);
        if (code == ErrorCode.None && topic!.Temporary) await OwnAsync(topic).ConfigureAwait(false);
        Answer(requestId, Opcode.CreateTopic, code, message);
        return true;
    }

    // The registry answers the storage failures it expects itself; this is the last word on any it did not, so that
    // a storage error is always an answer on this request and never reaches the transport as a "lost connection".
    private async ValueTask<(ErrorCode Code, string Message, Topics.Topic? Topic)> CreateTopicGuardedAsync(string name, int partitions,
        bool existingIsOk = false, TopicFlags flags = TopicFlags.None, long retentionMs = TopicRetention.BrokerDefault,
        long retentionBytes = TopicRetention.BrokerDefault, long dedupWindowMs = TopicRetention.BrokerDefault)
    {
        try
        {
            return await _broker.Topics.CreateAsync(name, partitions, flags, retentionMs, retentionBytes, dedupWindowMs, existingIsOk).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (ErrorCode.StorageError, $"could not create topic '{name}': {ex.Message}", null);
        }
    }

    private ValueTask<bool> CreateTopicAsync(uint requestId, ReadOnlySpan<byte> body)
        => CreateTopicRequest.TryParse(body, out var request)
            ? CreateTopicAsync(requestId, DecodeName(request.Topic), request.Partitions, request.Flags, request.RetentionMs, request.RetentionBytes,
                request.DedupWindowMs)
            : CreateTopicAsync(requestId, null, 0, TopicFlags.None, 0, 0, 0);

    // Checked in the order of PROTOCOL.md section 3.1: the name, the topic, then the values (in the registry).
    private ValueTask<bool> AlterTopicAsync(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!AlterTopicRequest.TryParse(body, out var request)) return Malformed(requestId, "malformed alter-topic request");
        if (!Topics.TopicName.IsValid(request.Topic))
        {
            Fail(requestId, ErrorCode.InvalidTopicName, $"invalid topic name: use 1-{Protocol.MaxTopicNameBytes} characters of [A-Za-z0-9._-]");
            return new ValueTask<bool>(true);
        }
        return AlterTopicAsync(requestId, DecodeName(request.Topic), request.RetentionMs, request.RetentionBytes, request.DedupWindowMs);
    }

    private async ValueTask<bool> AlterTopicAsync(uint requestId, string name, long retentionMs, long retentionBytes, long dedupWindowMs)
    {
        ErrorCode code;
        string message;
        try
        {
            (code, message) = await _broker.Topics.AlterAsync(name, retentionMs, retentionBytes, dedupWindowMs).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            (code, message) = (ErrorCode.StorageError, $"changing topic '{name}' failed: {ex.Message}");
        }
        Answer(requestId, Opcode.AlterTopic, code, message);
        return true;
    }

    private ValueTask<bool> DeleteTopicAsync(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!TopicRequest.TryParse(body, out var request)) return Malformed(requestId, "malformed delete-topic request");
        if (!Topics.TopicName.IsValid(request.Topic))
        {
            Fail(requestId, ErrorCode.InvalidTopicName, $"invalid topic name: use 1-{Protocol.MaxTopicNameBytes} characters of [A-Za-z0-9._-]");
            return new ValueTask<bool>(true);
        }
        return DeleteTopicAsync(requestId, DecodeName(request.Topic));
    }

    private async ValueTask<bool> DeleteTopicAsync(uint requestId, string name)
    {
        ErrorCode code;
        string message;
        try
        {
            (code, message) = await _broker.Topics.DeleteAsync(name).ConfigureAwait(false);
            // Answered only once the group positions on it are gone too, durably: a topic created next under the same
            // name must not resume from them. Should that fail, the next start drops them.
            if (code == ErrorCode.None
                && await PositionRemoval.RemoveAsync(_broker.Positions, name).ConfigureAwait(false) is { } problem)
                (code, message) = (ErrorCode.StorageError, $"topic '{name}' is deleted, but removing its group positions failed ({problem}); the broker drops them at its next start");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            (code, message) = (ErrorCode.StorageError, $"deleting topic '{name}' failed: {ex.Message}");
        }
        Answer(requestId, Opcode.DeleteTopic, code, message);
        return true;
    }

    private void ListTopics(uint requestId, in ReadOnlySequence<byte> body)
    {
        Span<byte> flags = stackalloc byte[1];
        if (body.Length > 1 || !ListTopicsRequest.TryParse(body.IsEmpty ? [] : Copied(body, flags), out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "list-topics takes an empty body or one flags byte");
            return;
        }
        if (!KnownQueryFlags(requestId, request.Flags, TopicQueryFlags.WithTopicIds)) return;
        bool withIds = (request.Flags & TopicQueryFlags.WithTopicIds) != 0;
        Enqueue(new Outbound(OutboundKind.ListTopics, Opcode.ListTopics, requestId, Data: _broker.Topics.List(), Value: withIds ? 1 : 0));
    }

    private static ReadOnlySpan<byte> Copied(in ReadOnlySequence<byte> body, Span<byte> into)
    {
        body.CopyTo(into);
        return into[..(int)body.Length];
    }

    private const TopicQueryFlags MetadataFlags = TopicQueryFlags.WithTopicIds | TopicQueryFlags.WithRetention | TopicQueryFlags.WithDedupWindow;

    private bool KnownQueryFlags(uint requestId, TopicQueryFlags flags, TopicQueryFlags defined)
    {
        if ((flags & ~defined) == 0) return true;
        Fail(requestId, ErrorCode.InvalidArgument, defined == TopicQueryFlags.WithTopicIds
            ? $"flags 0x{(byte)flags:X2} set reserved bits; only bit 0 (topic ids) is defined"
            : $"flags 0x{(byte)flags:X2} set reserved bits; only bits 0 (topic id), 1 (retention) and 2 (dedup window) are defined");
        return false;
    }

    private ValueTask<bool> TopicMetadataAsync(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!TopicMetadataRequest.TryParse(body, out var request)) return Malformed(requestId, "malformed topic-metadata request");
        var flags = request.Flags;
        // Flags are a field range (precedence step 8): checked after the topic is found (step 7), but before an
        // auto-create, so that a request with reserved bits creates nothing.
        if (_broker.Topics.TryGet(request.Topic, out var topic))
        {
            if (KnownQueryFlags(requestId, flags, MetadataFlags)) AnswerMetadata(requestId, topic, flags);
            return new ValueTask<bool>(true);
        }
        if (_broker.Limits.AutoCreateTopics && Topics.TopicName.IsValid(request.Topic))
            return KnownQueryFlags(requestId, flags, MetadataFlags)
                ? AutoCreateThenDescribeAsync(requestId, DecodeName(request.Topic), flags)
                : new ValueTask<bool>(true);
        TryResolve(requestId, request.Topic, null, 0, out _);
        return new ValueTask<bool>(true);
    }

    private async ValueTask<bool> AutoCreateThenDescribeAsync(uint requestId, string name, TopicQueryFlags flags)
    {
        var (code, message, topic) = await CreateTopicGuardedAsync(name, _broker.Limits.AutoCreatePartitions, existingIsOk: true).ConfigureAwait(false);
        if (code != ErrorCode.None) Fail(requestId, code, message);
        else AnswerMetadata(requestId, topic!, flags);
        return true;
    }

    // Only partitions that could not be opened report start = end = -1, so clients can tell them from empty ones; one
    // that stopped taking writes still reports (and serves) what it holds.
    private void AnswerMetadata(uint requestId, Topics.Topic topic, TopicQueryFlags flags)
    {
        bool withId = (flags & TopicQueryFlags.WithTopicIds) != 0;
        (long, long, RetentionSource)? retention = (flags & TopicQueryFlags.WithRetention) != 0 ? _broker.Topics.EffectiveRetention(topic) : null;
        (long, bool)? dedupWindow = (flags & TopicQueryFlags.WithDedupWindow) != 0 ? _broker.Topics.EffectiveDedupWindow(topic) : null;
        var ranges = new (long Start, long End)[topic.Partitions.Length];
        for (int i = 0; i < ranges.Length; i++)
            ranges[i] = topic.Partitions[i].TryGetJournal(out var journal, out _)
                ? (journal.StartOffset, journal.CommittedEndOffset)
                : (-1, -1);
        Enqueue(new Outbound(OutboundKind.TopicMetadata, Opcode.TopicMetadata, requestId, Data: new MetadataAnswer(ranges, withId ? topic.Id : null, retention, dedupWindow)));
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
        if (!TryFenceCommit(requestId, request, key)) return;
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
        if (!GroupName.IsValid(request.Group))
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"group name must be 1..{Protocol.MaxGroupNameBytes} bytes of valid UTF-8");
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
