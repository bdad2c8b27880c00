using System.Buffers;
using FastBroker.Wire.Messages.Groups;

namespace FastBroker.Wire.Messages;

public static partial class FrameWriter
{
    // join group = string group, string topic, string member (empty: a new member), u32 session timeout ms
    /// <summary>Writes a JoinGroup request (PROTOCOL.md 5.29); an empty <paramref name="member"/> joins as a new member.</summary>
    public static void WriteJoinGroup(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> group, ReadOnlySpan<byte> topic,
        ReadOnlySpan<byte> member, uint sessionTimeoutMs)
    {
        int bodyLength = 2 + group.Length + 2 + topic.Length + 2 + member.Length + 4;
        var w = Begin(output, Opcode.JoinGroup, FrameFlags.None, requestId, bodyLength);
        w.WriteString(group);
        w.WriteString(topic);
        w.WriteString(member);
        w.WriteUInt32(sessionTimeoutMs);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // join group response = string member, u32 generation, u32 heartbeat ms, u32 count, u32 partition * count
    /// <summary>Writes a JoinGroup response: the member id and its assignment.</summary>
    public static void WriteJoinGroupResponse(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> member, uint generation,
        uint heartbeatIntervalMs, ReadOnlySpan<int> partitions)
    {
        int bodyLength = 2 + member.Length + 4 + 4 + 4 + 4 * partitions.Length;
        var w = Begin(output, Opcode.JoinGroup, FrameFlags.Response, requestId, bodyLength);
        w.WriteString(member);
        w.WriteUInt32(generation);
        w.WriteUInt32(heartbeatIntervalMs);
        WritePartitionList(ref w, partitions);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // heartbeat = string group, string topic, string member, u32 generation, u32 count, u32 partition * count (still read)
    /// <summary>Writes a Heartbeat request (PROTOCOL.md 5.30): <paramref name="owned"/> are the partitions the member still reads.</summary>
    public static void WriteHeartbeat(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> group, ReadOnlySpan<byte> topic,
        ReadOnlySpan<byte> member, uint generation, ReadOnlySpan<int> owned)
    {
        int bodyLength = 2 + group.Length + 2 + topic.Length + 2 + member.Length + 4 + 4 + 4 * owned.Length;
        var w = Begin(output, Opcode.Heartbeat, FrameFlags.None, requestId, bodyLength);
        w.WriteString(group);
        w.WriteString(topic);
        w.WriteString(member);
        w.WriteUInt32(generation);
        WritePartitionList(ref w, owned);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // heartbeat response = u32 generation, u32 heartbeat ms, u32 count, u32 partition * count
    /// <summary>Writes a Heartbeat response: the member's assignment now.</summary>
    public static void WriteHeartbeatResponse(IBufferWriter<byte> output, uint requestId, uint generation, uint heartbeatIntervalMs, ReadOnlySpan<int> partitions)
    {
        int bodyLength = 4 + 4 + 4 + 4 * partitions.Length;
        var w = Begin(output, Opcode.Heartbeat, FrameFlags.Response, requestId, bodyLength);
        w.WriteUInt32(generation);
        w.WriteUInt32(heartbeatIntervalMs);
        WritePartitionList(ref w, partitions);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // leave group = string group, string topic, string member
    /// <summary>Writes a LeaveGroup request (PROTOCOL.md 5.31); the response is an empty body.</summary>
    public static void WriteLeaveGroup(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> group, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> member)
    {
        int bodyLength = 2 + group.Length + 2 + topic.Length + 2 + member.Length;
        var w = Begin(output, Opcode.LeaveGroup, FrameFlags.None, requestId, bodyLength);
        w.WriteString(group);
        w.WriteString(topic);
        w.WriteString(member);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    // commit position = string group, string topic, u32 partition, i64 offset, string member, u32 generation
    /// <summary>Writes a CommitPosition request with the member fields (PROTOCOL.md 5.9): the broker fences it.</summary>
    public static void WriteCommitPosition(IBufferWriter<byte> output, uint requestId, ReadOnlySpan<byte> group, ReadOnlySpan<byte> topic, int partition,
        long offset, ReadOnlySpan<byte> member, uint generation)
    {
        int bodyLength = 2 + group.Length + 2 + topic.Length + 4 + 8 + 2 + member.Length + 4;
        var w = Begin(output, Opcode.CommitPosition, FrameFlags.None, requestId, bodyLength);
        w.WriteString(group);
        w.WriteString(topic);
        w.WriteUInt32((uint)partition);
        w.WriteInt64(offset);
        w.WriteString(member);
        w.WriteUInt32(generation);
        output.Advance(FrameHeader.Size + bodyLength);
    }

    private static void WritePartitionList(ref SpanWriter w, ReadOnlySpan<int> partitions)
    {
        w.WriteUInt32((uint)partitions.Length);
        foreach (int partition in partitions) w.WriteUInt32((uint)partition);
    }
}
