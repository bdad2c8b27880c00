using FastBroker.ClientLite.Internal;
using System.Text;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Groups;

namespace FastBroker.ClientLite;

public sealed partial class BrokerConnection
{
    /// <summary>
    /// Every consumer group with a stored position (PROTOCOL.md 5.26), in ordinal order, each with the topics it has
    /// positions on. A group is a name with positions: one that never committed is not listed.
    /// </summary>
    public async ValueTask<IReadOnlyList<GroupInfo>> ListGroupsAsync(CancellationToken cancellationToken = default)
    {
        var pending = BeginRequest(Opcode.ListGroups, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteListGroups(_writeBuffer, pending.Id); }
            finally { EndWrite(); }
        }
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            return ParseGroupList(pending.BodySpan) ?? throw ProtocolViolation("a malformed ListGroups response");
        }
        finally
        {
            Release(pending);
        }
    }

    /// <summary>
    /// The positions of <paramref name="group"/> in every partition of <paramref name="topic"/>, or, when
    /// <paramref name="topic"/> is null, in every partition of each topic the group has a position on (PROTOCOL.md
    /// 5.27), with each partition's bounds and the group's lag in messages and in time. A group without positions on
    /// <paramref name="topic"/> is described with none (it is not an error); without a topic, it gets an empty list.
    /// Fails with <see cref="ErrorCode.UnknownTopic"/> when <paramref name="topic"/> does not exist.
    /// </summary>
    public async ValueTask<IReadOnlyList<GroupPartitionInfo>> DescribeGroupAsync(string group, string? topic = null, CancellationToken cancellationToken = default)
    {
        var pending = StartDescribeGroup(group, topic, cancellationToken);
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            return ParseGroupDescription(pending.BodySpan) ?? throw ProtocolViolation("a malformed DescribeGroup response");
        }
        finally
        {
            Release(pending);
        }
    }

    /// <summary>
    /// Moves the positions of <paramref name="group"/> in <paramref name="topic"/> (PROTOCOL.md 5.28): in every
    /// partition, or only in <paramref name="partitions"/>, to <paramref name="to"/>: <see cref="StartPosition.Earliest"/>
    /// (the log start), <see cref="StartPosition.Latest"/> (the log end), <see cref="StartPosition.Offset"/> (clamped to
    /// each partition's bounds) or <see cref="StartPosition.At"/> (the first message stamped at or after the time).
    /// Returns the position set in each partition; they are durable when this completes. With
    /// <paramref name="dryRun"/>, returns what would be set and changes nothing.
    /// </summary>
    /// <remarks>
    /// Refused with <see cref="ErrorCode.GroupBusy"/> (unless <paramref name="dryRun"/>) while the group has members on
    /// the topic (readers that joined it): stop them first. A reader that does not join (explicit partitions, a
    /// pattern reader) keeps its own place and overwrites the reset with its next commit: stop it too.
    /// </remarks>
    public async ValueTask<IReadOnlyList<(int Partition, long Offset)>> ResetGroupAsync(string group, string topic, StartPosition to,
        IReadOnlyList<int>? partitions = null, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var list = new int[partitions?.Count ?? 0];
        for (int i = 0; i < list.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(partitions![i], nameof(partitions));
            list[i] = partitions[i];
        }
        var pending = StartResetGroup(group, topic, to, list, dryRun ? ResetGroupFlags.DryRun : ResetGroupFlags.None, cancellationToken);
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            return ReadPartitionOffsets(pending, "ResetGroup");
        }
        finally
        {
            Release(pending);
        }
    }

    private PendingRequest StartDescribeGroup(string group, string? topic, CancellationToken cancellationToken)
    {
        Span<byte> groupName = EncodeName(group, stackalloc byte[Protocol.MaxGroupNameBytes], nameof(group));
        Span<byte> topicName = topic is null ? default : EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        var pending = BeginRequest(Opcode.DescribeGroup, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteDescribeGroup(_writeBuffer, pending.Id, groupName, topicName); }
            finally { EndWrite(); }
        }
        return pending;
    }

    private PendingRequest StartResetGroup(string group, string topic, StartPosition to, int[] partitions, ResetGroupFlags flags,
        CancellationToken cancellationToken)
    {
        Span<byte> groupName = EncodeName(group, stackalloc byte[Protocol.MaxGroupNameBytes], nameof(group));
        Span<byte> topicName = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        var (target, value) = to.Kind switch
        {
            StartPositionKind.Latest => (GroupResetTarget.Latest, 0L),
            StartPositionKind.Offset => (GroupResetTarget.Offset, to.Value),
            StartPositionKind.Time => (GroupResetTarget.Time, to.Value),
            _ => (GroupResetTarget.Earliest, 0L),
        };
        var pending = BeginRequest(Opcode.ResetGroup, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteResetGroup(_writeBuffer, pending.Id, groupName, topicName, target, value, flags, partitions); }
            finally { EndWrite(); }
        }
        return pending;
    }

    private static List<GroupInfo>? ParseGroupList(ReadOnlySpan<byte> body)
    {
        if (!ListGroupsResponseReader.TryCreate(body, out var reader)) return null;
        var groups = new List<GroupInfo>(reader.GroupsRemaining);
        while (reader.GroupsRemaining > 0)
        {
            if (!reader.TryReadGroup(out var name, out int count)) return null;
            var topics = new string[count];
            for (int i = 0; i < count; i++)
            {
                if (!reader.TryReadTopic(out var topic)) return null;
                topics[i] = Encoding.UTF8.GetString(topic);
            }
            groups.Add(new GroupInfo(Encoding.UTF8.GetString(name), topics));
        }
        return reader.IsComplete ? groups : null;
    }

    private static List<GroupPartitionInfo>? ParseGroupDescription(ReadOnlySpan<byte> body)
    {
        if (!DescribeGroupResponseReader.TryCreate(body, out var reader)) return null;
        var entries = new List<GroupPartitionInfo>(reader.Remaining);
        while (reader.Remaining > 0)
        {
            if (!reader.TryReadNext(out var topic, out uint partition, out long committed, out long start, out long end, out long lag, out long age))
                return null;
            entries.Add(new GroupPartitionInfo(Encoding.UTF8.GetString(topic), (int)partition, committed < 0 ? null : committed, start, end, lag,
                age < 0 ? null : TimeSpan.FromMilliseconds(age)));
        }
        return reader.IsComplete ? entries : null;
    }
}
