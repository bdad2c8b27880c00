using System.Buffers;
using System.Text;
using FastBroker.Wire.Messages.Groups;

namespace FastBroker.Wire.Messages;

public static partial class FrameWriter
{
    // list groups = (empty body)
    /// <summary>Writes a ListGroups request: an empty body.</summary>
    public static void WriteListGroups(IBufferWriter<byte> output, uint requestId)
        => WriteEmpty(output, Opcode.ListGroups, FrameFlags.None, requestId);

    // list groups response = u32 count, (string group, u32 topic count, string topic * topic count) * count
    /// <summary>Writes a ListGroups response: every group with the topics it has positions on, in the given order.</summary>
    public static void WriteListGroupsResponse(IBufferWriter<byte> output, uint requestId, IReadOnlyList<(string Group, IReadOnlyList<string> Topics)> groups)
    {
        int bodyLength = 4;
        foreach (var (group, topics) in groups)
        {
            bodyLength += 2 + Encoding.UTF8.GetByteCount(group) + 4;
            foreach (string topic in topics) bodyLength += 2 + Encoding.UTF8.GetByteCount(topic);
        }
        var w = Begin(output, Opcode.ListGroups, FrameFlags.Response, requestId, bodyLength);
        w.WriteUInt32((uint)groups.Count);
        Span<byte> name = stackalloc byte[Protocol.MaxGroupNameBytes];
        foreach (var (group, topics) in groups)
        {
            w.WriteString(name[..Encoding.UTF8.GetBytes(group, name)]);
            w.WriteUInt32((uint)topics.Count);
            foreach (string topic in topics) w.WriteString(name[..Encoding.UTF8.GetBytes(topic, name)]);
        }
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // describe group = string group, string topic (empty: every topic the group has a position on)[, u8 flags]
    /// <summary>Writes a DescribeGroup request; an empty <paramref name="topic"/> asks for every topic the group has a position on.
    /// Flags <see cref="DescribeGroupFlags.None"/> writes no flags byte: the request of brokers without a coordinator.</summary>
    public static void WriteDescribeGroup(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> group, ReadOnlySpan<byte> topic,
        DescribeGroupFlags flags = DescribeGroupFlags.None)
    {
        int bodyLength = 2 + group.Length + 2 + topic.Length + (flags == DescribeGroupFlags.None ? 0 : 1);
        var w = Begin(output, Opcode.DescribeGroup, FrameFlags.None, requestId, bodyLength);
        w.WriteString(group);
        w.WriteString(topic);
        if (flags != DescribeGroupFlags.None) w.WriteByte((byte)flags);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // describe group response = u32 count, (string topic, u32 partition, i64 committed, i64 start, i64 end, i64 lag, i64 age ms) * count
    //   [u32 member count, (string topic, string member, string client, u32 generation, u32 session timeout ms,
    //    u32 count, u32 assigned * count, u32 count, u32 revoking * count) * member count]   (only when asked: flag WithMembers)
    /// <summary>Writes a DescribeGroup response: the entries in the given order, then, when <paramref name="members"/>
    /// is not null, the members section (PROTOCOL.md 5.27).</summary>
    public static void WriteDescribeGroupResponse(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<GroupPartitionLag> entries,
        IReadOnlyList<GroupMemberState>? members = null)
    {
        int bodyLength = 4;
        foreach (ref readonly var entry in entries) bodyLength += DescribeGroupResponseReader.FixedEntrySize + Encoding.UTF8.GetByteCount(entry.Topic);
        if (members is not null)
        {
            bodyLength += 4;
            foreach (var member in members)
                bodyLength += DescribeGroupResponseReader.FixedMemberSize + Encoding.UTF8.GetByteCount(member.Topic) + Encoding.UTF8.GetByteCount(member.Member)
                    + Encoding.UTF8.GetByteCount(member.Client) + 4 * (member.Assigned.Length + member.Revoking.Length);
        }
        var w = Begin(output, Opcode.DescribeGroup, FrameFlags.Response, requestId, bodyLength);
        w.WriteUInt32((uint)entries.Length);
        Span<byte> name = stackalloc byte[Protocol.MaxTopicNameBytes * 3];
        foreach (ref readonly var entry in entries)
        {
            w.WriteString(name[..Encoding.UTF8.GetBytes(entry.Topic, name)]);
            w.WriteUInt32((uint)entry.Partition);
            w.WriteInt64(entry.Committed);
            w.WriteInt64(entry.LogStart);
            w.WriteInt64(entry.LogEnd);
            w.WriteInt64(entry.Lag);
            w.WriteInt64(entry.AgeMs);
        }
        if (members is not null)
        {
            w.WriteUInt32((uint)members.Count);
            foreach (var member in members)
            {
                // Not a hot path: a client name may be longer than any stack buffer kept here.
                w.WriteString(Encoding.UTF8.GetBytes(member.Topic));
                w.WriteString(Encoding.UTF8.GetBytes(member.Member));
                w.WriteString(Encoding.UTF8.GetBytes(member.Client));
                w.WriteUInt32(member.Generation);
                w.WriteUInt32((uint)member.SessionTimeoutMs);
                WritePartitionList(ref w, member.Assigned);
                WritePartitionList(ref w, member.Revoking);
            }
        }
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // reset group = string group, string topic, u8 target, i64 value, u8 flags, u32 count, u32 partition * count
    /// <summary>Writes a ResetGroup request; <paramref name="value"/> is the offset or time (ms since the epoch) the
    /// target needs, 0 otherwise; no <paramref name="partitions"/> means every partition of the topic.</summary>
    public static void WriteResetGroup(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> group, ReadOnlySpan<byte> topic,
        GroupResetTarget target, long value, ResetGroupFlags flags, ReadOnlySpan<int> partitions)
    {
        int bodyLength = 2 + group.Length + 2 + topic.Length + 1 + 8 + 1 + 4 + 4 * partitions.Length;
        var w = Begin(output, Opcode.ResetGroup, FrameFlags.None, requestId, bodyLength);
        w.WriteString(group);
        w.WriteString(topic);
        w.WriteByte((byte)target);
        w.WriteInt64(value);
        w.WriteByte((byte)flags);
        w.WriteUInt32((uint)partitions.Length);
        foreach (int partition in partitions) w.WriteUInt32((uint)partition);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // reset group response = u32 count, (u32 partition, i64 offset) * count  (the grammar of a ListOffsets response)
    /// <summary>Writes a ResetGroup response: each partition with the position stored (or, for a dry run, that would be).
    /// Read it with <see cref="ListOffsetsResponseReader"/>: the grammar is the same.</summary>
    public static void WriteResetGroupResponse(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<(int Partition, long Offset)> entries)
        => WritePartitionOffsets(output, Opcode.ResetGroup, requestId, entries);
}
