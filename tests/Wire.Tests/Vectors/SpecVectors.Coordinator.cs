using static FastBroker.Testing.Frames;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Groups;

namespace FastBroker.Wire.Tests.Vectors;

internal static partial class SpecVectors
{
    private const string SampleMember = "7f3a9c1e";

    // The coordinator vectors (request ids 60 to 64): member "7f3a9c1e" of "billing" on "orders".
    private static SpecVector[] CoordinatorVectors() =>
    [
        Frame("join-group-request",
            w => FrameWriter.WriteJoinGroup(w, 60, "billing"u8, "orders"u8, ""u8, 10_000),
            (h, body) =>
            {
                AssertHeader(h, Opcode.JoinGroup, FrameFlags.None, 60);
                Assert.True(JoinGroupRequest.TryParse(body, out var r));
                Assert.Equal(("billing", "orders", "", 10_000u), (Utf8(r.Group), Utf8(r.Topic), Utf8(r.Member), r.SessionTimeoutMs));
            }),
        Frame("join-group-response",
            w => FrameWriter.WriteJoinGroupResponse(w, 60, "7f3a9c1e"u8, 3, 3333, [0, 1]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.JoinGroup, FrameFlags.Response, 60);
                Assert.True(GroupAssignmentReader.TryParse(body, withMember: true, out var a));
                Assert.Equal((SampleMember, 3u, 3333u), (Utf8(a.Member), a.Generation, a.HeartbeatIntervalMs));
                Assert.Equal([0, 1], a.Partitions.ToArray());
            }),
        Frame("heartbeat-request",
            w => FrameWriter.WriteHeartbeat(w, 61, "billing"u8, "orders"u8, "7f3a9c1e"u8, 3, [0, 1, 2]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Heartbeat, FrameFlags.None, 61);
                Assert.True(HeartbeatRequest.TryParse(body, out var r));
                Assert.Equal(("billing", "orders", SampleMember, 3u), (Utf8(r.Group), Utf8(r.Topic), Utf8(r.Member), r.Generation));
                Assert.Equal([0, 1, 2], r.Owned.ToArray());
            }),
        Frame("heartbeat-response",
            w => FrameWriter.WriteHeartbeatResponse(w, 61, 3, 3333, [0, 1]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.Heartbeat, FrameFlags.Response, 61);
                Assert.True(GroupAssignmentReader.TryParse(body, withMember: false, out var a));
                Assert.Equal((3u, 3333u), (a.Generation, a.HeartbeatIntervalMs));
                Assert.Equal([0, 1], a.Partitions.ToArray());
            }),
        Frame("leave-group-request",
            w => FrameWriter.WriteLeaveGroup(w, 62, "billing"u8, "orders"u8, "7f3a9c1e"u8),
            (h, body) =>
            {
                AssertHeader(h, Opcode.LeaveGroup, FrameFlags.None, 62);
                Assert.True(LeaveGroupRequest.TryParse(body, out var r));
                Assert.Equal(("billing", "orders", SampleMember), (Utf8(r.Group), Utf8(r.Topic), Utf8(r.Member)));
            }),
        EmptyResponse("leave-group-response", Opcode.LeaveGroup, 62),
        Frame("commit-position-request-member",
            w => FrameWriter.WriteCommitPosition(w, 63, "billing"u8, "orders"u8, 2, 42, "7f3a9c1e"u8, 3),
            (h, body) =>
            {
                AssertHeader(h, Opcode.CommitPosition, FrameFlags.None, 63);
                Assert.True(PositionRequest.TryParse(body, withOffset: true, out var r));
                Assert.True(r.HasMember);
                Assert.Equal((2u, 42L, SampleMember, 3u), (r.Partition, r.Offset, Utf8(r.Member), r.Generation));
            }),
        Frame("describe-group-request-members",
            w => FrameWriter.WriteDescribeGroup(w, 64, "billing"u8, "orders"u8, DescribeGroupFlags.WithMembers),
            (h, body) =>
            {
                AssertHeader(h, Opcode.DescribeGroup, FrameFlags.None, 64);
                Assert.True(DescribeGroupRequest.TryParse(body, out var r));
                Assert.Equal(DescribeGroupFlags.WithMembers, r.Flags);
            }),
        Frame("describe-group-response-members",
            w => FrameWriter.WriteDescribeGroupResponse(w, 64, [new("orders", 2, 42, 0, 44, 2, 1500)],
                [new GroupMemberState("orders", SampleMember, "app", 3, 10_000, [1], [2])]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.DescribeGroup, FrameFlags.Response, 64);
                Assert.True(DescribeGroupResponseReader.TryCreate(body, out var reader));
                Assert.True(reader.TryReadNext(out _, out uint partition, out long committed, out _, out _, out _, out _));
                Assert.Equal((2u, 42L), (partition, committed));
                Assert.True(reader.TryBeginMembers(out int members));
                Assert.Equal(1, members);
                Assert.True(reader.TryReadMember(out var topic, out var member, out var client, out uint generation, out uint timeout, out var assigned, out var revoking));
                Assert.Equal(("orders", SampleMember, "app", 3u, 10_000u), (Utf8(topic), Utf8(member), Utf8(client), generation, timeout));
                Assert.Equal([1], assigned.ToArray());
                Assert.Equal([2], revoking.ToArray());
                Assert.True(reader.IsComplete);
            }),
    ];
}
