using System.Buffers;
using System.Buffers.Binary;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Sessions;

internal sealed partial class Session
{
    // publish = string topic, u32 partition, record batch. The prefix is parsed from a stack copy so the batch,
    // however it is split across pipe segments, is copied exactly once: into the pooled buffer the journal writes.
    private ValueTask<bool> PublishAsync(uint requestId, in ReadOnlySequence<byte> body)
    {
        Span<byte> prefix = stackalloc byte[2 + Protocol.MaxTopicNameBytes + 4];
        int available = (int)Math.Min(body.Length, prefix.Length);
        body.Slice(0, available).CopyTo(prefix);
        if (available < 2) return Malformed(requestId, "publish body too short");
        int topicLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix);
        if (body.Length < 2 + topicLength + 4) return Malformed(requestId, "publish body too short");
        if (topicLength > Protocol.MaxTopicNameBytes)
        {
            Fail(requestId, ErrorCode.InvalidTopicName, $"topic name of {topicLength} bytes is longer than {Protocol.MaxTopicNameBytes}");
            return new ValueTask<bool>(true);
        }
        int prefixLength = 2 + topicLength + 4;
        if (available < prefixLength) return Malformed(requestId, "publish body too short");
        var topicName = prefix.Slice(2, topicLength);
        uint partitionIndex = BinaryPrimitives.ReadUInt32LittleEndian(prefix[(2 + topicLength)..]);
        var batch = body.Slice(prefixLength);

        if (!_broker.Topics.TryGet(topicName, out var topic) && _broker.Limits.AutoCreateTopics && TopicName.IsValid(topicName))
            return AutoCreateThenPublishAsync(requestId, System.Text.Encoding.ASCII.GetString(topicName), partitionIndex, batch);

        if (TryResolve(requestId, topicName, topic, partitionIndex, out var partition))
            Append(requestId, partition, batch);
        return new ValueTask<bool>(true);
    }

    private async ValueTask<bool> AutoCreateThenPublishAsync(uint requestId, string topicName, uint partitionIndex, ReadOnlySequence<byte> batch)
    {
        var (code, message, topic) = await CreateTopicGuardedAsync(topicName, _broker.Limits.AutoCreatePartitions, existingIsOk: true).ConfigureAwait(false);
        if (code != ErrorCode.None)
            Fail(requestId, code, message);
        else if (TryResolvePartition(requestId, topic!, partitionIndex, out var partition))
            Append(requestId, partition, batch);
        return true;
    }

    private void Append(uint requestId, Partition partition, in ReadOnlySequence<byte> batch)
    {
        // Writes only: a partition that stopped taking writes still serves reads, so this is not in TryResolve.
        if (partition.WriteFailure is { } refused)
        {
            Fail(requestId, ErrorCode.PartitionUnavailable, refused);
            return;
        }
        if (_broker.Topics.FreeSpace.IsBelow(out string full))
        {
            Fail(requestId, ErrorCode.DiskFull, full);
            return;
        }

        int length = (int)batch.Length;
        byte[] buffer = BatchBuffers.Pool.Rent(Math.Max(length, 1));
        batch.CopyTo(buffer);
        var error = RecordBatch.Validate(buffer.AsSpan(0, length), _broker.Limits.MaxMessageBytes);
        if (error != ErrorCode.None)
        {
            string message = DescribeBatchError(error, buffer.AsSpan(0, length));
            BatchBuffers.Pool.Return(buffer);
            Fail(requestId, error, message);
            return;
        }

        Interlocked.Add(ref _inFlightBytes, length);
        if (!partition.TryEnqueue(new AppendRequest(this, requestId, buffer, length)))
        {
            BatchBuffers.Pool.Return(buffer);
            ReleaseInFlight(length);
            Fail(requestId, ErrorCode.ShuttingDown, $"partition {partition.Topic}/{partition.Index} is closing");
        }
    }

    // The limit counts a record's length field (PROTOCOL.md section 6.3), which is more than its payload: the message
    // says so, since a payload of exactly the limit is refused.
    private string DescribeBatchError(ErrorCode error, ReadOnlySpan<byte> batch) => error switch
    {
        ErrorCode.MessageTooLarge => $"record of {RecordBatch.FirstOversizedRecordLength(batch, _broker.Limits.MaxMessageBytes)} bytes " +
            $"(payload + key + headers + framing) exceeds the message size limit of {_broker.Limits.MaxMessageBytes} bytes; nothing was stored",
        ErrorCode.UnsupportedFeature => "record batch format version or attributes not supported (v1 accepts format 1, attributes 0: no compression, no transactions)",
        _ => "record batch failed its length, CRC or record structure check; nothing was stored",
    };

    void IPublishCompletion.PublishSucceeded(uint requestId, long baseOffset, int batchBytes)
    {
        Enqueue(new Outbound(OutboundKind.Int64, Opcode.Publish, requestId, Value: baseOffset));
        ReleaseInFlight(batchBytes);
    }

    void IPublishCompletion.PublishDeduplicated(uint requestId, long baseOffset, PublishDuplicate[] duplicates, int batchBytes)
    {
        Enqueue(new Outbound(OutboundKind.PublishDeduplicated, Opcode.Publish, requestId, Value: baseOffset, Data: duplicates));
        ReleaseInFlight(batchBytes);
    }

    void IPublishCompletion.PublishFailed(uint requestId, ErrorCode code, string message, int batchBytes)
    {
        Fail(requestId, code, message);
        ReleaseInFlight(batchBytes);
    }

    /// <summary>Resolves topic and partition for a request, answering the error itself when it cannot.</summary>
    private bool TryResolve(uint requestId, ReadOnlySpan<byte> topicName, Topic? topic, uint partitionIndex, out Partition partition)
    {
        partition = null!;
        if (topic is null && !TryResolveTopic(requestId, topicName, out topic)) return false;
        return TryResolvePartition(requestId, topic, partitionIndex, out partition);
    }

    private bool TryResolvePartition(uint requestId, Topic topic, uint partitionIndex, out Partition partition)
    {
        partition = null!;
        if (topic.Deleted)
        {
            Fail(requestId, ErrorCode.UnknownTopic, $"unknown topic '{topic.Name}'");
            return false;
        }
        if (partitionIndex >= (uint)topic.Partitions.Length)
        {
            Fail(requestId, ErrorCode.UnknownPartition, $"topic '{topic.Name}' has {topic.Partitions.Length} partitions; there is no partition {partitionIndex}");
            return false;
        }
        partition = topic.Partitions[partitionIndex];
        if (partition.Failure is { } failure)
        {
            Fail(requestId, ErrorCode.PartitionUnavailable, failure);
            return false;
        }
        return true;
    }

    private ValueTask<bool> Malformed(uint requestId, string message)
    {
        Fail(requestId, ErrorCode.MalformedFrame, message);
        return new ValueTask<bool>(true);
    }
}
