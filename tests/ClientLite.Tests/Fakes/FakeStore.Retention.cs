using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>Retention and time lookups of the fake broker: AlterTopic, ListOffsets, retention in TopicMetadata, and
/// <see cref="DropBefore"/> to play what a broker's retention does to a partition.</summary>
internal sealed partial class FakeStore
{
    private readonly Dictionary<string, (long Ms, long Bytes)> _retention = [];

    /// <summary>The broker-wide default retention the fake reports for topics without their own (0 = unlimited).</summary>
    public (long Ms, long Bytes) DefaultRetention { get; set; }

    /// <summary>The retention values the topic holds as sent (-1 = broker default).</summary>
    public (long Ms, long Bytes) OwnRetention(string topic)
    {
        lock (_lock)
            return _retention.TryGetValue(topic, out var own) ? own : (TopicRetention.BrokerDefault, TopicRetention.BrokerDefault);
    }

    /// <summary>Deletes the partition's batches wholly below <paramref name="offset"/> and moves its start there, as retention would.</summary>
    public void DropBefore(string topic, int partition, long offset)
    {
        lock (_lock)
        {
            var log = _topics[topic][partition];
            log.Batches.RemoveAll(b => RecordBatch.ReadBaseOffset(b) + RecordBatch.ReadRecordCount(b) <= offset);
            log.Start = offset;
        }
    }

    private (long, long, RetentionSource) EffectiveRetentionLocked(string name)
    {
        var (ms, bytes) = _retention.TryGetValue(name, out var own) ? own : (TopicRetention.BrokerDefault, TopicRetention.BrokerDefault);
        var source = (ms >= 0 ? RetentionSource.TopicAge : 0) | (bytes >= 0 ? RetentionSource.TopicBytes : 0);
        return (ms >= 0 ? ms : DefaultRetention.Ms, bytes >= 0 ? bytes : DefaultRetention.Bytes, source);
    }

    private Task<byte[]>? ProcessRetentionLocked(FrameHeader header, byte[] body)
    {
        uint id = header.RequestId;
        switch (header.Opcode)
        {
            case Opcode.AlterTopic when AlterTopicRequest.TryParse(body, out var alter):
            {
                string name = Frames.Utf8(alter.Topic);
                if (!_topics.ContainsKey(name))
                    return Done(UnknownTopic(id, name));
                if (alter.RetentionMs < TopicRetention.Unchanged || alter.RetentionBytes < TopicRetention.Unchanged)
                    return Done(Frames.Error(id, ErrorCode.InvalidArgument, "bad retention"));
                var (ms, bytes) = _retention.TryGetValue(name, out var own) ? own : (TopicRetention.BrokerDefault, TopicRetention.BrokerDefault);
                _retention[name] = (alter.RetentionMs == TopicRetention.Unchanged ? ms : alter.RetentionMs,
                    alter.RetentionBytes == TopicRetention.Unchanged ? bytes : alter.RetentionBytes);
                return Done(Empty(Opcode.AlterTopic, id));
            }
            case Opcode.ListOffsets when ListOffsetsRequest.TryParse(body, out var request):
            {
                string name = Frames.Utf8(request.Topic);
                if (!_topics.TryGetValue(name, out var partitions))
                    return Done(UnknownTopic(id, name));
                var answers = new (int, long)[request.Count];
                for (int i = 0; i < answers.Length; i++)
                {
                    var (index, timestamp) = request[i];
                    if (index >= partitions.Length)
                        return Done(Frames.Error(id, ErrorCode.UnknownPartition, $"topic '{name}' has {partitions.Length} partitions"));
                    var log = partitions[index];
                    answers[i] = ((int)index, timestamp switch
                    {
                        ListOffsetsRequest.Latest => log.End,
                        ListOffsetsRequest.Earliest => log.Start,
                        _ => OffsetForTimestamp(log, timestamp),
                    });
                }
                return Done(Frames.Encode(w => FrameWriter.WriteListOffsetsResponse(w, id, answers)));
            }
            default:
                return null;
        }
    }

    private static long OffsetForTimestamp(FakePartition log, long timestamp)
    {
        long runningMax = long.MinValue;
        foreach (var batch in log.Batches)
        {
            var reader = new RecordBatchReader(batch);
            while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
            {
                runningMax = Math.Max(runningMax, record.Timestamp);
                if (runningMax >= timestamp && record.Offset >= log.Start)
                    return record.Offset;
            }
        }
        return log.End;
    }
}
