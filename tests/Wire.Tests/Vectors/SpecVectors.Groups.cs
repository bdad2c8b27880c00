using static FastBroker.Testing.Frames;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Groups;

namespace FastBroker.Wire.Tests.Vectors;

internal static partial class SpecVectors
{
    private static readonly GroupPartitionLag[] BillingLag =
    [
        new("orders", 0, -1, 0, 0, 0, -1),
        new("orders", 1, -1, 0, 0, 0, -1),
        new("orders", 2, 42, 0, 44, 2, 1500),
        new("orders", 3, 3, 5, 9, 4, 60_000),
    ];

    // The consumer-group vectors (request ids 34 to 36): the group "billing" on "orders".
    private static SpecVector[] GroupVectors() =>
    [
        Frame("list-groups-request",
            w => FrameWriter.WriteListGroups(w, 34),
            (h, body) =>
            {
                AssertHeader(h, Opcode.ListGroups, FrameFlags.None, 34);
                Assert.Empty(body);
            }),
        Frame("list-groups-response",
            w => FrameWriter.WriteListGroupsResponse(w, 34, [("billing", ["audit", "orders"])]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.ListGroups, FrameFlags.Response, 34);
                Assert.True(ListGroupsResponseReader.TryCreate(body, out var reader));
                Assert.True(reader.TryReadGroup(out var group, out int topics));
                Assert.Equal("billing"u8, group);
                Assert.Equal(2, topics);
                Assert.True(reader.TryReadTopic(out var first));
                Assert.True(reader.TryReadTopic(out var second));
                Assert.Equal("audit"u8, first);
                Assert.Equal("orders"u8, second);
                Assert.True(reader.IsComplete);
            }),
        Frame("describe-group-request",
            w => FrameWriter.WriteDescribeGroup(w, 35, "billing"u8, "orders"u8),
            (h, body) =>
            {
                AssertHeader(h, Opcode.DescribeGroup, FrameFlags.None, 35);
                Assert.True(DescribeGroupRequest.TryParse(body, out var r));
                Assert.Equal("billing"u8, r.Group);
                Assert.Equal("orders"u8, r.Topic);
            }),
        Frame("describe-group-response",
            w => FrameWriter.WriteDescribeGroupResponse(w, 35, BillingLag),
            (h, body) =>
            {
                AssertHeader(h, Opcode.DescribeGroup, FrameFlags.Response, 35);
                Assert.True(DescribeGroupResponseReader.TryCreate(body, out var reader));
                var read = new List<GroupPartitionLag>();
                while (reader.TryReadNext(out var topic, out uint partition, out long committed, out long start, out long end, out long lag, out long age))
                    read.Add(new GroupPartitionLag(System.Text.Encoding.UTF8.GetString(topic), (int)partition, committed, start, end, lag, age));
                Assert.True(reader.IsComplete);
                Assert.Equal(BillingLag, read);
            }),
        Frame("reset-group-request",
            w => FrameWriter.WriteResetGroup(w, 36, "billing"u8, "orders"u8, GroupResetTarget.Time, SampleBatch.SecondTimestamp, ResetGroupFlags.None, [2, 3]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.ResetGroup, FrameFlags.None, 36);
                Assert.True(ResetGroupRequest.TryParse(body, out var r));
                Assert.Equal("billing"u8, r.Group);
                Assert.Equal("orders"u8, r.Topic);
                Assert.Equal(GroupResetTarget.Time, r.Target);
                Assert.Equal(SampleBatch.SecondTimestamp, r.Value);
                Assert.Equal(ResetGroupFlags.None, r.Flags);
                Assert.Equal(2, r.Count);
                Assert.Equal((2u, 3u), (r[0], r[1]));
            }),
        Frame("reset-group-response",
            w => FrameWriter.WriteResetGroupResponse(w, 36, [(2, 43), (3, 5)]),
            (h, body) =>
            {
                AssertHeader(h, Opcode.ResetGroup, FrameFlags.Response, 36);
                Assert.True(ListOffsetsResponseReader.TryCreate(body, out var reader));
                Assert.True(reader.TryReadNext(out uint p0, out long o0));
                Assert.True(reader.TryReadNext(out uint p1, out long o1));
                Assert.False(reader.TryReadNext(out _, out _));
                Assert.Equal([(2u, 43L), (3u, 5L)], [(p0, o0), (p1, o1)]);
            }),
    ];
}
