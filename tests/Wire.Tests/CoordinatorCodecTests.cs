using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Groups;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests;

/// <summary>The JoinGroup, Heartbeat and LeaveGroup codecs, CommitPosition's member fields and DescribeGroup's members
/// (PROTOCOL.md 5.9, 5.27, 5.29 to 5.31): round trips, and every truncation or extra byte refused.</summary>
public sealed class CoordinatorCodecTests
{
    private static byte[] BodyOf(byte[] frame) => frame[FrameHeader.Size..];

    [Fact]
    public void JoinGroup_request_round_trips_and_refuses_every_truncation_and_extra_byte()
    {
        byte[] body = BodyOf(Encode(w => FrameWriter.WriteJoinGroup(w, 1, "billing"u8, "orders"u8, "m-1"u8, 10_000)));
        Assert.True(JoinGroupRequest.TryParse(body, out var r));
        Assert.Equal(("billing", "orders", "m-1", 10_000u), (Utf8(r.Group), Utf8(r.Topic), Utf8(r.Member), r.SessionTimeoutMs));
        for (int n = 0; n < body.Length; n++) Assert.False(JoinGroupRequest.TryParse(body.AsSpan(0, n), out _), $"prefix of {n} bytes");
        Assert.False(JoinGroupRequest.TryParse([.. body, 0], out _));
    }

    [Fact]
    public void Heartbeat_request_round_trips_and_refuses_every_truncation_and_extra_byte()
    {
        byte[] body = BodyOf(Encode(w => FrameWriter.WriteHeartbeat(w, 1, "billing"u8, "orders"u8, "m-1"u8, 7, [0, 3])));
        Assert.True(HeartbeatRequest.TryParse(body, out var r));
        Assert.Equal(("billing", "orders", "m-1", 7u), (Utf8(r.Group), Utf8(r.Topic), Utf8(r.Member), r.Generation));
        Assert.Equal([0, 3], r.Owned.ToArray());
        for (int n = 0; n < body.Length; n++) Assert.False(HeartbeatRequest.TryParse(body.AsSpan(0, n), out _), $"prefix of {n} bytes");
        Assert.False(HeartbeatRequest.TryParse([.. body, 0], out _));
    }

    [Fact]
    public void Heartbeat_request_with_a_count_larger_than_the_body_is_refused()
    {
        byte[] body = BodyOf(Encode(w => FrameWriter.WriteHeartbeat(w, 1, "g"u8, "t"u8, "m"u8, 1, [])));
        body[^4] = 0xFF; // count 255 with no partition after it
        Assert.False(HeartbeatRequest.TryParse(body, out _));
    }

    [Fact]
    public void LeaveGroup_request_round_trips_and_refuses_every_truncation_and_extra_byte()
    {
        byte[] body = BodyOf(Encode(w => FrameWriter.WriteLeaveGroup(w, 1, "billing"u8, "orders"u8, "m-1"u8)));
        Assert.True(LeaveGroupRequest.TryParse(body, out var r));
        Assert.Equal(("billing", "orders", "m-1"), (Utf8(r.Group), Utf8(r.Topic), Utf8(r.Member)));
        for (int n = 0; n < body.Length; n++) Assert.False(LeaveGroupRequest.TryParse(body.AsSpan(0, n), out _), $"prefix of {n} bytes");
        Assert.False(LeaveGroupRequest.TryParse([.. body, 0], out _));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Assignment_responses_round_trip_and_refuse_every_truncation_and_extra_byte(bool join)
    {
        byte[] body = join
            ? BodyOf(Encode(w => FrameWriter.WriteJoinGroupResponse(w, 1, "m-1"u8, 4, 3333, [1, 2])))
            : BodyOf(Encode(w => FrameWriter.WriteHeartbeatResponse(w, 1, 4, 3333, [1, 2])));
        Assert.True(GroupAssignmentReader.TryParse(body, join, out var a));
        Assert.Equal((join ? "m-1" : "", 4u, 3333u), (Utf8(a.Member), a.Generation, a.HeartbeatIntervalMs));
        Assert.Equal([1, 2], a.Partitions.ToArray());
        Assert.False(GroupAssignmentReader.TryParse(body, !join, out _));
        for (int n = 0; n < body.Length; n++) Assert.False(GroupAssignmentReader.TryParse(body.AsSpan(0, n), join, out _), $"prefix of {n} bytes");
        Assert.False(GroupAssignmentReader.TryParse([.. body, 0], join, out _));
    }

    [Fact]
    public void CommitPosition_member_fields_are_optional_and_whole()
    {
        byte[] plain = BodyOf(Encode(w => FrameWriter.WriteCommitPosition(w, 1, "g"u8, "t"u8, 2, 42)));
        Assert.True(PositionRequest.TryParse(plain, withOffset: true, out var old));
        Assert.False(old.HasMember);

        byte[] body = BodyOf(Encode(w => FrameWriter.WriteCommitPosition(w, 1, "g"u8, "t"u8, 2, 42, "m-1"u8, 9)));
        Assert.True(PositionRequest.TryParse(body, withOffset: true, out var r));
        Assert.True(r.HasMember);
        Assert.Equal((2u, 42L, "m-1", 9u), (r.Partition, r.Offset, Utf8(r.Member), r.Generation));
        for (int n = plain.Length + 1; n < body.Length; n++)
            Assert.False(PositionRequest.TryParse(body.AsSpan(0, n), withOffset: true, out _), $"prefix of {n} bytes");
        Assert.False(PositionRequest.TryParse([.. body, 0], withOffset: true, out _));
        // ReadPosition has no optional tail.
        Assert.False(PositionRequest.TryParse([.. BodyOf(Encode(w => FrameWriter.WriteReadPosition(w, 1, "g"u8, "t"u8, 2))), 0, 0, 0, 0, 0, 0],
            withOffset: false, out _));
    }

    [Fact]
    public void DescribeGroup_flags_byte_is_optional()
    {
        byte[] body = BodyOf(Encode(w => FrameWriter.WriteDescribeGroup(w, 1, "g"u8, "t"u8, DescribeGroupFlags.WithMembers)));
        Assert.True(DescribeGroupRequest.TryParse(body, out var r));
        Assert.Equal(DescribeGroupFlags.WithMembers, r.Flags);
        byte[] none = BodyOf(Encode(w => FrameWriter.WriteDescribeGroup(w, 1, "g"u8, "t"u8)));
        Assert.Equal(body.Length - 1, none.Length);
        Assert.True(DescribeGroupRequest.TryParse(none, out var old));
        Assert.Equal(DescribeGroupFlags.None, old.Flags);
    }

    private static bool ReadsMembers(ReadOnlySpan<byte> body, List<GroupMemberState>? into = null)
    {
        if (!DescribeGroupResponseReader.TryCreate(body, out var reader)) return false;
        while (reader.Remaining > 0)
            if (!reader.TryReadNext(out _, out _, out _, out _, out _, out _, out _)) return false;
        if (!reader.TryBeginMembers(out int count)) return false;
        for (int i = 0; i < count; i++)
        {
            if (!reader.TryReadMember(out var topic, out var member, out var client, out uint generation, out uint timeout, out var assigned, out var revoking))
                return false;
            into?.Add(new GroupMemberState(Utf8(topic), Utf8(member), Utf8(client), generation, (int)timeout, assigned.ToArray(), revoking.ToArray()));
        }
        return reader.IsComplete;
    }

    [Fact]
    public void DescribeGroup_members_round_trip_and_refuse_every_truncation_and_extra_byte()
    {
        GroupPartitionLag[] entries = [new("orders", 0, 3, 0, 5, 2, 10)];
        GroupMemberState[] members = [new("orders", "m-1", "reader", 5, 10_000, [0, 1], [2]), new("orders", "m-2", "", 5, 2000, [], [])];
        byte[] body = BodyOf(Encode(w => FrameWriter.WriteDescribeGroupResponse(w, 1, entries, members)));
        var read = new List<GroupMemberState>();
        Assert.True(ReadsMembers(body, read));
        Assert.Equal(2, read.Count);
        Assert.Equal(("m-1", "reader", 5u, 10_000), (read[0].Member, read[0].Client, read[0].Generation, read[0].SessionTimeoutMs));
        Assert.Equal([0, 1], read[0].Assigned);
        Assert.Equal([2], read[0].Revoking);
        Assert.Empty(read[1].Assigned);
        for (int n = 0; n < body.Length; n++) Assert.False(ReadsMembers(body.AsSpan(0, n)), $"prefix of {n} bytes");
        Assert.False(ReadsMembers([.. body, 0]));

        // Without members the bytes are those of a broker without a coordinator.
        byte[] old = BodyOf(Encode(w => FrameWriter.WriteDescribeGroupResponse(w, 1, entries)));
        Assert.Equal(old, body[..old.Length]);
    }
}
