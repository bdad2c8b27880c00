using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Groups;

namespace FastBroker.Server.Tests.Sessions;

/// <summary>JoinGroup, Heartbeat and LeaveGroup (PROTOCOL.md 5.29 to 5.31) through a session, with the fencing of
/// CommitPosition (5.9), ResetGroup's GroupBusy (5.28) and DescribeGroup's members (5.27).</summary>
public sealed class CoordinatorSessionTests : IAsyncLifetime
{
    private readonly QueueBroker _broker = new();
    private SessionHarness _session = null!;

    public async Task InitializeAsync()
    {
        _session = await SessionHarness.StartAsync(_broker);
        await _broker.CreateTopicAsync("orders", 2);
    }

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        await _broker.DisposeAsync();
    }

    private async Task<(string Member, uint Generation, int[] Partitions)> JoinAsync(uint timeoutMs = 10_000)
    {
        var answer = await _session.RequestAsync(w => FrameWriter.WriteJoinGroup(w, 60, "billing"u8, "orders"u8, ""u8, timeoutMs));
        Assert.Equal(Opcode.JoinGroup, answer.Header.Opcode);
        Assert.True(GroupAssignmentReader.TryParse(answer.Body, withMember: true, out var a));
        return (System.Text.Encoding.UTF8.GetString(a.Member), a.Generation, a.Partitions.ToArray());
    }

    private Task<SentFrame> CommitAsync(string? member, uint generation, int partition, long offset)
        => _session.RequestAsync(w =>
        {
            if (member is null) FrameWriter.WriteCommitPosition(w, 61, "billing"u8, "orders"u8, partition, offset);
            else FrameWriter.WriteCommitPosition(w, 61, "billing"u8, "orders"u8, partition, offset, System.Text.Encoding.UTF8.GetBytes(member), generation);
        });

    [Fact]
    public async Task A_member_commits_its_partitions_and_others_are_refused()
    {
        var (member, generation, partitions) = await JoinAsync();
        Assert.Equal([0, 1], partitions);
        Assert.Equal(ErrorCode.None, (await CommitAsync(member, generation, 1, 0)).ErrorCode);
        Assert.Equal(ErrorCode.UnknownMember, (await CommitAsync("stranger", generation, 1, 0)).ErrorCode);
        Assert.Equal(ErrorCode.StaleGeneration, (await CommitAsync(member, generation + 5, 1, 0)).ErrorCode);
        Assert.Equal(ErrorCode.GroupBusy, (await CommitAsync(null, 0, 1, 0)).ErrorCode);
    }

    [Fact]
    public async Task ResetGroup_is_refused_while_the_group_has_members_and_allowed_after_it_leaves()
    {
        var (member, _, _) = await JoinAsync();
        var reset = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 62, "billing"u8, "orders"u8, GroupResetTarget.Earliest, 0, ResetGroupFlags.None, []));
        Assert.Equal(ErrorCode.GroupBusy, reset.ErrorCode);
        var dry = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 63, "billing"u8, "orders"u8, GroupResetTarget.Earliest, 0, ResetGroupFlags.DryRun, []));
        Assert.Equal(ErrorCode.None, dry.ErrorCode);

        var leave = await _session.RequestAsync(w => FrameWriter.WriteLeaveGroup(w, 64, "billing"u8, "orders"u8, System.Text.Encoding.UTF8.GetBytes(member)));
        Assert.Equal((Opcode.LeaveGroup, 0), (leave.Header.Opcode, leave.Body.Length));
        var again = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 65, "billing"u8, "orders"u8, GroupResetTarget.Earliest, 0, ResetGroupFlags.None, []));
        Assert.Equal(ErrorCode.None, again.ErrorCode);
        Assert.Equal(ErrorCode.None, (await CommitAsync(null, 0, 1, 0)).ErrorCode);
    }

    [Theory]
    [InlineData(999u)]
    [InlineData(300_001u)]
    public async Task JoinGroup_refuses_a_session_timeout_out_of_bounds(uint timeoutMs)
    {
        var answer = await _session.RequestAsync(w => FrameWriter.WriteJoinGroup(w, 66, "billing"u8, "orders"u8, ""u8, timeoutMs));
        Assert.Equal(ErrorCode.InvalidArgument, answer.ErrorCode);
    }

    [Fact]
    public async Task Heartbeat_of_an_unknown_member_and_join_of_an_unknown_topic_are_refused()
    {
        var beat = await _session.RequestAsync(w => FrameWriter.WriteHeartbeat(w, 67, "billing"u8, "orders"u8, "nobody"u8, 1, []));
        Assert.Equal(ErrorCode.UnknownMember, beat.ErrorCode);
        var join = await _session.RequestAsync(w => FrameWriter.WriteJoinGroup(w, 68, "billing"u8, "missing"u8, ""u8, 10_000));
        Assert.Equal(ErrorCode.UnknownTopic, join.ErrorCode);
    }

    [Fact]
    public async Task DescribeGroup_with_members_lists_each_member_and_what_it_owns()
    {
        var (member, generation, _) = await JoinAsync();
        var answer = await _session.RequestAsync(w => FrameWriter.WriteDescribeGroup(w, 69, "billing"u8, ""u8, DescribeGroupFlags.WithMembers));
        Assert.True(DescribeGroupResponseReader.TryCreate(answer.Body, out var reader));
        Assert.Equal(2, reader.Remaining); // no position yet, but members on "orders": its partitions are described
        while (reader.Remaining > 0) Assert.True(reader.TryReadNext(out _, out _, out _, out _, out _, out _, out _));
        Assert.True(reader.TryBeginMembers(out int count));
        Assert.Equal(1, count);
        Assert.True(reader.TryReadMember(out var topic, out var id, out _, out uint gen, out uint timeout, out var assigned, out var revoking));
        Assert.Equal(("orders", member, generation, 10_000u), (System.Text.Encoding.UTF8.GetString(topic), System.Text.Encoding.UTF8.GetString(id), gen, timeout));
        Assert.Equal([0, 1], assigned.ToArray());
        Assert.Equal(0, revoking.Count);
        Assert.True(reader.IsComplete);

        // Without the flag, the answer is the old one: no members section.
        var plain = await _session.RequestAsync(w => FrameWriter.WriteDescribeGroup(w, 70, "billing"u8, "orders"u8));
        Assert.True(DescribeGroupResponseReader.TryCreate(plain.Body, out var old));
        while (old.Remaining > 0) Assert.True(old.TryReadNext(out _, out _, out _, out _, out _, out _, out _));
        Assert.True(old.IsComplete);
    }
}
