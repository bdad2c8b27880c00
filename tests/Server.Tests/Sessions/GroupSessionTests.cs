using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Groups;

namespace FastBroker.Server.Tests.Sessions;

/// <summary>ListGroups, DescribeGroup and ResetGroup (PROTOCOL.md 5.26 to 5.28) through a session.</summary>
public sealed class GroupSessionTests : IAsyncLifetime
{
    private readonly QueueBroker _broker = new();
    private SessionHarness _session = null!;

    public async Task InitializeAsync() => _session = await SessionHarness.StartAsync(_broker);

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        await _broker.DisposeAsync();
    }

    private async Task CommitAsync(string group, string topic, int partition, long offset)
    {
        var answer = await _session.RequestAsync(w => FrameWriter.WriteCommitPosition(w, 50, System.Text.Encoding.UTF8.GetBytes(group),
            System.Text.Encoding.ASCII.GetBytes(topic), partition, offset));
        Assert.Equal(ErrorCode.None, answer.ErrorCode);
    }

    private async Task<List<GroupPartitionLag>> DescribeAsync(string group, string topic)
    {
        var answer = await _session.RequestAsync(w => FrameWriter.WriteDescribeGroup(w, 51, System.Text.Encoding.UTF8.GetBytes(group),
            System.Text.Encoding.ASCII.GetBytes(topic)));
        Assert.Equal(Opcode.DescribeGroup, answer.Header.Opcode);
        Assert.True(DescribeGroupResponseReader.TryCreate(answer.Body, out var reader));
        var entries = new List<GroupPartitionLag>();
        while (reader.TryReadNext(out var name, out uint partition, out long committed, out long start, out long end, out long lag, out long age))
            entries.Add(new GroupPartitionLag(System.Text.Encoding.ASCII.GetString(name), (int)partition, committed, start, end, lag, age));
        Assert.True(reader.IsComplete);
        return entries;
    }

    private static List<(uint, long)> Offsets(SentFrame answer)
    {
        Assert.True(ListOffsetsResponseReader.TryCreate(answer.Body, out var reader));
        var found = new List<(uint, long)>();
        while (reader.TryReadNext(out uint partition, out long offset)) found.Add((partition, offset));
        return found;
    }

    [Fact]
    public async Task ListGroups_lists_groups_with_positions_and_their_topics()
    {
        await _broker.CreateTopicAsync("orders", 2);
        await _broker.CreateTopicAsync("audit", 1);
        await CommitAsync("billing", "orders", 1, 0);
        await CommitAsync("billing", "audit", 0, 0);
        await CommitAsync("alerts", "orders", 0, 0);

        var answer = await _session.RequestAsync(w => FrameWriter.WriteListGroups(w, 2));

        Assert.Equal(Opcode.ListGroups, answer.Header.Opcode);
        Assert.True(ListGroupsResponseReader.TryCreate(answer.Body, out var reader));
        var listed = new List<string>();
        while (reader.TryReadGroup(out var group, out int topics))
        {
            var names = new List<string>();
            for (int i = 0; i < topics; i++)
            {
                Assert.True(reader.TryReadTopic(out var topic));
                names.Add(System.Text.Encoding.ASCII.GetString(topic));
            }
            listed.Add(System.Text.Encoding.UTF8.GetString(group) + ":" + string.Join(',', names));
        }
        Assert.True(reader.IsComplete);
        Assert.Equal(["alerts:orders", "billing:audit,orders"], listed);
        var withBody = await _session.RequestAsync(w =>
        {
            var span = w.GetSpan(13);
            new FrameHeader(1, Opcode.ListGroups, FrameFlags.None, 4).Write(span);
            w.Advance(13);
        });
        Assert.Equal(ErrorCode.MalformedFrame, withBody.ErrorCode);
    }

    [Fact]
    public async Task DescribeGroup_gives_lag_in_messages_and_the_age_of_the_oldest_unconsumed_message()
    {
        await _broker.CreateTopicAsync("orders", 3);
        await _broker.PublishAsync("orders", 0, "a", "b", "c");
        _broker.Advance(TimeSpan.FromSeconds(30));
        await _broker.PublishAsync("orders", 0, "d");
        await _broker.PublishAsync("orders", 1, "x");
        _broker.Advance(TimeSpan.FromSeconds(12));
        await CommitAsync("g", "orders", 0, 3);
        await CommitAsync("g", "orders", 1, 1);

        var entries = await DescribeAsync("g", "orders");

        Assert.Equal(
        [
            new GroupPartitionLag("orders", 0, 3, 0, 4, 1, 12_000),
            new GroupPartitionLag("orders", 1, 1, 0, 1, 0, -1),
            new GroupPartitionLag("orders", 2, -1, 0, 0, 0, -1),
        ], entries);
        var unknownGroup = await DescribeAsync("nobody", "orders");
        Assert.Equal(new GroupPartitionLag("orders", 0, -1, 0, 4, 4, 42_000), unknownGroup[0]);
    }

    [Fact]
    public async Task DescribeGroup_without_a_topic_covers_every_topic_the_group_has_a_position_on()
    {
        await _broker.CreateTopicAsync("orders", 2);
        await _broker.CreateTopicAsync("audit", 1);
        await _broker.CreateTopicAsync("other", 1);
        await CommitAsync("g", "orders", 1, 0);
        await CommitAsync("g", "audit", 0, 0);

        var entries = await DescribeAsync("g", "");

        Assert.Equal([("audit", 0), ("orders", 0), ("orders", 1)], entries.Select(e => (e.Topic, e.Partition)));
        Assert.Empty(await DescribeAsync("nobody", ""));
    }

    [Fact]
    public async Task DescribeGroup_errors()
    {
        var badGroup = await _session.RequestAsync(w => FrameWriter.WriteDescribeGroup(w, 2, ""u8, "nope"u8));
        var badTopic = await _session.RequestAsync(w => FrameWriter.WriteDescribeGroup(w, 3, "g"u8, "a b"u8));
        var unknown = await _session.RequestAsync(w => FrameWriter.WriteDescribeGroup(w, 4, "g"u8, "nope"u8));

        Assert.Equal(ErrorCode.InvalidArgument, badGroup.ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicName, badTopic.ErrorCode);
        Assert.Equal(ErrorCode.UnknownTopic, unknown.ErrorCode);
    }

    [Fact]
    public async Task ResetGroup_moves_positions_to_each_target_and_a_dry_run_changes_nothing()
    {
        await _broker.CreateTopicAsync("orders", 2);
        long t0 = _broker.NowMs;
        await _broker.PublishAsync("orders", 0, "a", "b", "c");
        _broker.Advance(TimeSpan.FromMinutes(1));
        long t1 = _broker.NowMs;
        await _broker.PublishAsync("orders", 0, "d", "e");
        await _broker.PublishAsync("orders", 1, "x");
        await CommitAsync("g", "orders", 0, 4);

        var dry = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 2, "g"u8, "orders"u8, GroupResetTarget.Earliest, 0, ResetGroupFlags.DryRun, []));
        Assert.Equal(Opcode.ResetGroup, dry.Header.Opcode);
        Assert.Equal([(0u, 0L), (1u, 0L)], Offsets(dry));
        Assert.Equal(4, (await DescribeAsync("g", "orders"))[0].Committed);

        var earliest = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 3, "g"u8, "orders"u8, GroupResetTarget.Earliest, 0, ResetGroupFlags.None, []));
        Assert.Equal([(0u, 0L), (1u, 0L)], Offsets(earliest));
        Assert.Equal([0L, 0L], (await DescribeAsync("g", "orders")).Select(e => e.Committed));

        var latest = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 4, "g"u8, "orders"u8, GroupResetTarget.Latest, 0, ResetGroupFlags.None, [1]));
        Assert.Equal([(1u, 1L)], Offsets(latest));
        var offset = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 5, "g"u8, "orders"u8, GroupResetTarget.Offset, 99, ResetGroupFlags.None, [0]));
        Assert.Equal([(0u, 5L)], Offsets(offset));
        var time = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 6, "g"u8, "orders"u8, GroupResetTarget.Time, t1, ResetGroupFlags.None, [0, 1]));
        Assert.Equal([(0u, 3L), (1u, 0L)], Offsets(time));
        Assert.Equal([3L, 0L], (await DescribeAsync("g", "orders")).Select(e => e.Committed));
        Assert.True(t0 < t1);
    }

    [Fact]
    public async Task ResetGroup_errors_follow_the_precedence_of_section_3_1()
    {
        await _broker.CreateTopicAsync("orders", 2);

        var group = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 2, ""u8, "bad name"u8, (GroupResetTarget)9, -1, (ResetGroupFlags)0x80, [7]));
        var topicName = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 3, "g"u8, "bad name"u8, (GroupResetTarget)9, -1, ResetGroupFlags.None, [7]));
        var unknown = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 4, "g"u8, "nope"u8, (GroupResetTarget)9, -1, ResetGroupFlags.None, [7]));
        var partition = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 5, "g"u8, "orders"u8, (GroupResetTarget)9, -1, ResetGroupFlags.None, [0, 7]));
        var target = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 6, "g"u8, "orders"u8, (GroupResetTarget)9, 0, ResetGroupFlags.None, []));
        var negative = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 7, "g"u8, "orders"u8, GroupResetTarget.Offset, -1, ResetGroupFlags.None, []));
        var value = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 8, "g"u8, "orders"u8, GroupResetTarget.Latest, 5, ResetGroupFlags.None, []));
        var flags = await _session.RequestAsync(w => FrameWriter.WriteResetGroup(w, 9, "g"u8, "orders"u8, GroupResetTarget.Latest, 0, (ResetGroupFlags)2, []));
        // A ResetGroup frame whose body stops after the topic.
        var malformed = await _session.RequestAsync(w =>
        {
            byte[] frame = SessionHarness.Encode(x => FrameWriter.WriteDescribeGroup(x, 10, "g"u8, "orders"u8));
            frame[4] = (byte)Opcode.ResetGroup;
            System.Buffers.BuffersExtensions.Write(w, frame);
        });

        Assert.Equal(ErrorCode.InvalidArgument, group.ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicName, topicName.ErrorCode);
        Assert.Equal(ErrorCode.UnknownTopic, unknown.ErrorCode);
        Assert.Equal(ErrorCode.UnknownPartition, partition.ErrorCode);
        Assert.Equal(ErrorCode.InvalidArgument, target.ErrorCode);
        Assert.Equal(ErrorCode.InvalidArgument, negative.ErrorCode);
        Assert.Equal(ErrorCode.InvalidArgument, value.ErrorCode);
        Assert.Equal(ErrorCode.InvalidArgument, flags.ErrorCode);
        Assert.Equal(ErrorCode.MalformedFrame, malformed.ErrorCode);
        Assert.Empty(await DescribeAsync("g", ""));
    }
}
