using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Sessions;

internal sealed partial class Session
{
    // PROTOCOL.md 5.24, checked in the order of section 3.1: the topic, every partition (exists, serves), then every
    // timestamp's range; only then is anything looked up in the logs. One failure fails the whole request.
    private void ListOffsets(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!ListOffsetsRequest.TryParse(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed list-offsets request");
            return;
        }
        if (!TryResolveTopic(requestId, request.Topic, out var resolved)) return;
        string topic = resolved.Name;
        int count = request.Count;
        var journals = new Journal.PartitionJournal[count];
        for (int i = 0; i < count; i++)
        {
            if (!TryResolvePartition(requestId, resolved, request[i].Partition, out var partition)) return;
            if (!partition.TryGetJournal(out journals[i], out string failure))
            {
                Fail(requestId, ErrorCode.PartitionUnavailable, failure);
                return;
            }
        }
        if (count == 0 || count > Protocol.MaxPartitions)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"a list-offsets request asks for 1..{Protocol.MaxPartitions} partitions, not {count}");
            return;
        }
        for (int i = 0; i < count; i++)
        {
            long timestamp = request[i].Timestamp;
            if (timestamp < ListOffsetsRequest.Earliest)
            {
                Fail(requestId, ErrorCode.InvalidArgument, $"timestamp {timestamp} is not valid: use ms since the epoch, -1 (latest) or -2 (earliest)");
                return;
            }
        }

        var answers = new (int Partition, long Offset)[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                var (index, timestamp) = request[i];
                var journal = journals[i];
                answers[i] = ((int)index, timestamp switch
                {
                    ListOffsetsRequest.Latest => journal.CommittedEndOffset,
                    ListOffsetsRequest.Earliest => journal.StartOffset,
                    _ => journal.OffsetForTimestamp(timestamp),
                });
            }
        }
        catch (Exception ex) when (ex is Journal.JournalCorruptedException or IOException or ObjectDisposedException)
        {
            Fail(requestId, ex is ObjectDisposedException ? ErrorCode.UnknownTopic : ErrorCode.StorageError, $"looking up offsets of '{topic}' failed: {ex.Message}");
            return;
        }
        Enqueue(new Outbound(OutboundKind.ListOffsets, Opcode.ListOffsets, requestId, Data: answers));
    }
}
