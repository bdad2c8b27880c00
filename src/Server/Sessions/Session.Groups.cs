using System.Text;
using FastBroker.Server.Positions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Groups;

namespace FastBroker.Server.Sessions;

internal sealed partial class Session
{
    // PROTOCOL.md 5.26: every group with a stored position (members alone do not list a group).
    private void ListGroups(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!body.IsEmpty)
        {
            Fail(requestId, ErrorCode.MalformedFrame, "a list-groups request has an empty body");
            return;
        }
        Enqueue(new Outbound(OutboundKind.ListGroups, Opcode.ListGroups, requestId, Data: _broker.Positions.ListGroups()));
    }

    // PROTOCOL.md 5.27: per partition the committed position, the log's bounds and how far behind them it is.
    private void DescribeGroup(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!DescribeGroupRequest.TryParse(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed describe-group request");
            return;
        }
        if (!TryGroupName(requestId, request.Group, out string group)) return;
        bool withMembers = (request.Flags & DescribeGroupFlags.WithMembers) != 0;
        var topics = new List<Topics.Topic>();
        if (request.Topic.IsEmpty)
        {
            // A topic deleted since its positions were listed has none left: it is simply not described. A group
            // asked with its members also describes the topics it has members on but no position yet.
            var names = new SortedSet<string>(_broker.Positions.TopicsOf(group), StringComparer.Ordinal);
            if (withMembers) names.UnionWith(_broker.Groups.TopicsWithMembers(group));
            foreach (string name in names)
                if (_broker.Topics.TryGet(name, out var stored) && !stored.Deleted) topics.Add(stored);
        }
        else
        {
            if (!TryResolveTopic(requestId, request.Topic, out var topic)) return;
            topics.Add(topic);
        }
        if ((request.Flags & ~DescribeGroupFlags.WithMembers) != 0)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"reserved describe-group flag bits 0x{(byte)request.Flags:x2} are set");
            return;
        }

        long now = _broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var entries = new List<GroupPartitionLag>();
        foreach (var topic in topics)
            for (int i = 0; i < topic.Partitions.Length; i++)
                entries.Add(Lag(group, topic, i, now));
        if (!withMembers)
        {
            Enqueue(new Outbound(OutboundKind.DescribeGroup, Opcode.DescribeGroup, requestId, Data: entries.ToArray()));
            return;
        }
        var members = new List<GroupMemberState>();
        foreach (var topic in topics) members.AddRange(_broker.Groups.Describe(group, topic.Name));
        Enqueue(new Outbound(OutboundKind.DescribeGroupMembers, Opcode.DescribeGroup, requestId, Data: new DescribeGroupAnswer([.. entries], members)));
    }

    private GroupPartitionLag Lag(string group, Topics.Topic topic, int index, long now)
    {
        long committed = _broker.Positions.TryGet(new PositionKey(group, topic.Name, index), out long stored) ? stored : Protocol.NoPosition;
        if (!topic.Partitions[index].TryGetJournal(out var journal, out _))
            return new GroupPartitionLag(topic.Name, index, committed, -1, -1, -1, -1);
        long start = journal.StartOffset;
        long end = journal.CommittedEndOffset;
        // A reader with no position, or one below what retention kept, starts at the log start.
        long next = Math.Max(committed, start);
        long lag = Math.Max(0, end - next);
        long age = lag > 0 && Journal.BatchTimestamp.TryRead(journal, next, out long timestamp) ? Math.Max(0, now - timestamp) : -1;
        return new GroupPartitionLag(topic.Name, index, committed, start, end, lag, age);
    }

    // PROTOCOL.md 5.28, checked in the order of section 3.1: group, topic, partitions, then the other fields; the new
    // positions are one change of the position store, synced before the answer.
    private void ResetGroup(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!ResetGroupRequest.TryParse(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed reset-group request");
            return;
        }
        if (!TryGroupName(requestId, request.Group, out string group)) return;
        if (!TryResolveTopic(requestId, request.Topic, out var topic)) return;
        int count = request.Count == 0 ? topic.Partitions.Length : request.Count;
        var journals = new Journal.PartitionJournal[count];
        var indexes = new int[count];
        for (int i = 0; i < count; i++)
        {
            uint index = request.Count == 0 ? (uint)i : request[i];
            if (!TryResolvePartition(requestId, topic, index, out var partition)) return;
            if (!partition.TryGetJournal(out journals[i], out string failure))
            {
                Fail(requestId, ErrorCode.PartitionUnavailable, failure);
                return;
            }
            indexes[i] = (int)index;
        }
        if (request.Count > Protocol.MaxPartitions)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"a reset-group request lists at most {Protocol.MaxPartitions} partitions, not {request.Count}");
            return;
        }
        if (!TryResetTarget(requestId, request.Target, request.Value)) return;
        if ((request.Flags & ~ResetGroupFlags.DryRun) != 0)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"reserved reset-group flag bits 0x{(byte)request.Flags:x2} are set");
            return;
        }
        // Members read on from their own positions and would overwrite a reset with their next commit. A dry run
        // changes nothing, so it is answered.
        if ((request.Flags & ResetGroupFlags.DryRun) == 0 && _broker.Groups.HasMembers(group, topic.Name))
        {
            Fail(requestId, ErrorCode.GroupBusy, $"group '{group}' has members on '{topic.Name}': stop its readers (or wait for their sessions to end) first");
            return;
        }

        var answers = new (int Partition, long Offset)[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                var journal = journals[i];
                answers[i] = (indexes[i], request.Target switch
                {
                    GroupResetTarget.Earliest => journal.StartOffset,
                    GroupResetTarget.Latest => journal.CommittedEndOffset,
                    GroupResetTarget.Offset => Math.Clamp(request.Value, journal.StartOffset, journal.CommittedEndOffset),
                    _ => journal.OffsetForTimestamp(request.Value),
                });
            }
        }
        catch (Exception ex) when (ex is Journal.JournalCorruptedException or IOException or ObjectDisposedException)
        {
            Fail(requestId, ex is ObjectDisposedException ? ErrorCode.UnknownTopic : ErrorCode.StorageError, $"looking up offsets of '{topic.Name}' failed: {ex.Message}");
            return;
        }
        if ((request.Flags & ResetGroupFlags.DryRun) != 0)
        {
            Enqueue(new Outbound(OutboundKind.ResetGroup, Opcode.ResetGroup, requestId, Data: answers));
            return;
        }
        var positions = new (PositionKey, long)[count];
        for (int i = 0; i < count; i++) positions[i] = (new PositionKey(group, topic.Name, answers[i].Partition), answers[i].Offset);
        if (!_broker.Positions.TryCommitAll(positions, new ResetAnswer(this, answers), requestId))
            Fail(requestId, ErrorCode.ShuttingDown, "the position store is closing");
    }

    private bool TryResetTarget(uint requestId, GroupResetTarget target, long value)
    {
        string? problem = target switch
        {
            GroupResetTarget.Earliest or GroupResetTarget.Latest => value == 0 ? null : $"value {value} must be 0 for target {target}",
            GroupResetTarget.Offset => value >= 0 ? null : $"offset {value} is negative",
            GroupResetTarget.Time => value >= 0 ? null : $"time {value} is before the epoch",
            _ => $"reset target {(byte)target} is not defined",
        };
        if (problem is null) return true;
        Fail(requestId, ErrorCode.InvalidArgument, problem);
        return false;
    }

    private bool TryGroupName(uint requestId, ReadOnlySpan<byte> utf8, out string group)
    {
        group = "";
        if (!GroupName.IsValid(utf8))
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"group name must be 1..{Protocol.MaxGroupNameBytes} bytes of valid UTF-8");
            return false;
        }
        group = Encoding.UTF8.GetString(utf8);
        return true;
    }

    // Answers a reset once the store has its positions durably, with the positions it stored.
    private sealed class ResetAnswer(Session session, (int Partition, long Offset)[] answers) : IPositionCompletion
    {
        public void PositionCommitted(uint requestId)
            => session.Enqueue(new Outbound(OutboundKind.ResetGroup, Opcode.ResetGroup, requestId, Data: answers));

        public void PositionFailed(uint requestId, ErrorCode code, string message) => session.Fail(requestId, code, message);
    }
}
