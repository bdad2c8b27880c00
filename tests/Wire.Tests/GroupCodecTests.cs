using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Groups;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests;

/// <summary>The ListGroups, DescribeGroup and ResetGroup codecs (PROTOCOL.md 5.26 to 5.28): round trips, and every
/// truncation or extra byte refused.</summary>
public sealed class GroupCodecTests
{
    private static byte[] BodyOf(byte[] frame) => frame[FrameHeader.Size..];

    private static bool ReadsListGroups(ReadOnlySpan<byte> body)
    {
        if (!ListGroupsResponseReader.TryCreate(body, out var reader)) return false;
        while (reader.GroupsRemaining > 0)
        {
            if (!reader.TryReadGroup(out _, out int topics)) return false;
            for (int i = 0; i < topics; i++)
                if (!reader.TryReadTopic(out _)) return false;
        }
        return reader.IsComplete;
    }

    private static bool ReadsDescribe(ReadOnlySpan<byte> body)
    {
        if (!DescribeGroupResponseReader.TryCreate(body, out var reader)) return false;
        while (reader.Remaining > 0)
            if (!reader.TryReadNext(out _, out _, out _, out _, out _, out _, out _)) return false;
        return reader.IsComplete;
    }

    [Fact]
    public void ListGroups_response_round_trips_and_refuses_every_truncation_and_extra_byte()
    {
        byte[] body = BodyOf(Encode(w => FrameWriter.WriteListGroupsResponse(w, 1, [("b", ["orders", "audit"]), ("é", [])])));
        Assert.True(ReadsListGroups(body));
        Assert.True(ListGroupsResponseReader.TryCreate(body, out var reader));
        Assert.True(reader.TryReadGroup(out var first, out int topics));
        Assert.Equal(("b", 2), (System.Text.Encoding.UTF8.GetString(first), topics));
        Assert.False(reader.TryReadGroup(out _, out _)); // its topics come first
        for (int n = 0; n < body.Length; n++) Assert.False(ReadsListGroups(body.AsSpan(0, n)), $"prefix of {n} bytes");
        Assert.False(ReadsListGroups([.. body, 0]));
    }

    [Fact]
    public void DescribeGroup_request_and_response_round_trip_and_refuse_every_truncation_and_extra_byte()
    {
        byte[] request = BodyOf(Encode(w => FrameWriter.WriteDescribeGroup(w, 1, "g"u8, ""u8)));
        Assert.True(DescribeGroupRequest.TryParse(request, out var parsed));
        Assert.Equal("g"u8, parsed.Group);
        Assert.True(parsed.Topic.IsEmpty);
        for (int n = 0; n < request.Length; n++) Assert.False(DescribeGroupRequest.TryParse(request.AsSpan(0, n), out _));
        Assert.False(DescribeGroupRequest.TryParse([.. request, 0, 0], out _)); // one byte is the optional flags; two are one too many

        GroupPartitionLag[] entries = [new("orders", 3, -1, 5, 9, 4, 60_000), new("audit", 0, 7, 0, 7, 0, -1)];
        byte[] response = BodyOf(Encode(w => FrameWriter.WriteDescribeGroupResponse(w, 1, entries)));
        Assert.True(ReadsDescribe(response));
        Assert.True(DescribeGroupResponseReader.TryCreate(response, out var reader));
        Assert.True(reader.TryReadNext(out var topic, out uint partition, out long committed, out long start, out long end, out long lag, out long age));
        Assert.Equal(entries[0], new GroupPartitionLag(System.Text.Encoding.UTF8.GetString(topic), (int)partition, committed, start, end, lag, age));
        for (int n = 0; n < response.Length; n++) Assert.False(ReadsDescribe(response.AsSpan(0, n)), $"prefix of {n} bytes");
        Assert.False(ReadsDescribe([.. response, 0]));
    }

    [Fact]
    public void ResetGroup_request_round_trips_and_refuses_every_truncation_and_extra_byte()
    {
        byte[] body = BodyOf(Encode(w => FrameWriter.WriteResetGroup(w, 1, "g"u8, "orders"u8, GroupResetTarget.Offset, 42, ResetGroupFlags.DryRun, [3, 1])));
        Assert.True(ResetGroupRequest.TryParse(body, out var r));
        Assert.Equal(("g", "orders", GroupResetTarget.Offset, 42L, ResetGroupFlags.DryRun, 2, 3u, 1u),
            (System.Text.Encoding.UTF8.GetString(r.Group), System.Text.Encoding.UTF8.GetString(r.Topic), r.Target, r.Value, r.Flags, r.Count, r[0], r[1]));
        for (int n = 0; n < body.Length; n++) Assert.False(ResetGroupRequest.TryParse(body.AsSpan(0, n), out _), $"prefix of {n} bytes");
        Assert.False(ResetGroupRequest.TryParse([.. body, 0], out _));

        byte[] all = BodyOf(Encode(w => FrameWriter.WriteResetGroup(w, 1, "g"u8, "orders"u8, GroupResetTarget.Earliest, 0, ResetGroupFlags.None, [])));
        Assert.True(ResetGroupRequest.TryParse(all, out var every));
        Assert.Equal(0, every.Count);
    }

    [Fact]
    public void ResetGroup_response_has_the_ListOffsets_response_grammar()
    {
        byte[] body = BodyOf(Encode(w => FrameWriter.WriteResetGroupResponse(w, 1, [(2, 43)])));
        Assert.Equal(BodyOf(Encode(w => FrameWriter.WriteListOffsetsResponse(w, 1, [(2, 43)]))), body);
        Assert.Equal(Opcode.ResetGroup, FrameHeader.Read(Encode(w => FrameWriter.WriteResetGroupResponse(w, 1, [(2, 43)]))).Opcode);
        for (int n = 0; n < body.Length; n++) Assert.False(ListOffsetsResponseReader.TryCreate(body.AsSpan(0, n), out _));
    }
}
