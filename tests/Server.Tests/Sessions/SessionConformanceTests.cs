using System.Buffers.Binary;
using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Tests.Sessions;

/// <summary>The session's side of PROTOCOL.md's conformance rules, without a socket and on a fake clock.</summary>
public sealed class SessionConformanceTests : IAsyncLifetime
{
    private readonly QueueBroker _broker = new();
    private SessionHarness _session = null!;

    public async Task InitializeAsync()
    {
        await _broker.CreateQueueAsync("jobs", "jobs", QueueBroker.Settings(), partitions: 2);
        _session = await SessionHarness.StartAsync(_broker);
    }

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        await _broker.DisposeAsync();
    }

    private static int Messages(SentFrame delivery)
    {
        Assert.True(DeliveryReader.TryCreate(delivery.Body, out var reader));
        int messages = 0;
        while (reader.TryReadSection(out var section))
            for (int i = 0; i < section.RangeCount; i++) messages += section.GetRange(i).Count;
        return messages;
    }

    [Fact]
    public async Task A_ping_far_over_a_kibibyte_is_echoed()
    {
        byte[] payload = new byte[256 * 1024];
        new Random(7).NextBytes(payload);
        var pong = await _session.RequestAsync(w => FrameWriter.WritePing(w, 3, payload));
        Assert.Equal(Opcode.Ping, pong.Header.Opcode);
        Assert.Equal(payload, pong.Body);
    }

    [Fact]
    public async Task DeleteTopic_checks_the_name_before_looking_it_up()
    {
        var invalid = await _session.RequestAsync(w => FrameWriter.WriteTopicRequest(w, Opcode.DeleteTopic, 4, "no/slash"u8));
        Assert.Equal(ErrorCode.InvalidTopicName, invalid.ErrorCode);
        Assert.True(_broker.Registry.TryGet("jobs", out _));
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xB0, 0x80 })]
    [InlineData(new byte[] { 0x61, 0xF0, 0x9F, 0x98 })]
    public async Task Position_requests_refuse_group_names_that_are_not_utf8(byte[] group)
    {
        Assert.Equal(ErrorCode.InvalidArgument, (await _session.RequestAsync(w => FrameWriter.WriteCommitPosition(w, 5, group, "jobs"u8, 0, 1))).ErrorCode);
        Assert.Equal(ErrorCode.InvalidArgument, (await _session.RequestAsync(w => FrameWriter.WriteReadPosition(w, 6, group, "jobs"u8, 0))).ErrorCode);
    }

    [Fact]
    public async Task Settle_skips_unknown_partitions_and_counts_what_it_applied()
    {
        await _broker.PublishAsync("jobs", 0, "a", "b", "c");
        Assert.Equal(3, Messages(await _session.RequestAsync(w => FrameWriter.WriteReceive(w, 7, "jobs"u8, "jobs"u8, 10, 0, 0, 0))));

        var acked = await _session.RequestAsync(w => FrameWriter.WriteSettle(w, Opcode.Ack, 8, "jobs"u8, "jobs"u8, 0,
            [new OffsetRange(2, 0, 3), new OffsetRange(0, 0, 3), new OffsetRange(int.MaxValue, 0, 1)]));

        Assert.Equal(ErrorCode.None, acked.ErrorCode);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(acked.Body));
        Assert.Equal(0, _broker.Subscription("jobs", "jobs").Stats().InFlight);
    }

    [Fact]
    public async Task A_negative_first_offset_fails_the_whole_settle_with_nothing_applied()
    {
        await _broker.PublishAsync("jobs", 0, "a");
        Assert.Equal(1, Messages(await _session.RequestAsync(w => FrameWriter.WriteReceive(w, 7, "jobs"u8, "jobs"u8, 10, 0, 0, 0))));

        var refused = await _session.RequestAsync(w => FrameWriter.WriteSettle(w, Opcode.Ack, 8, "jobs"u8, "jobs"u8, 0,
            [new OffsetRange(0, 0, 1), new OffsetRange(0, -1, 1)]));

        Assert.Equal(ErrorCode.InvalidArgument, refused.ErrorCode);
        Assert.Equal(1, _broker.Subscription("jobs", "jobs").Stats().InFlight);
    }

    [Fact]
    public async Task A_waiting_receive_is_answered_UnknownSubscription_when_the_subscription_is_deleted()
    {
        await _session.SendAsync(SessionHarness.Encode(w => FrameWriter.WriteReceive(w, 9, "jobs"u8, "jobs"u8, 10, 0, Protocol.MaxReceiveWaitMs, 0)));
        Assert.True(_broker.Registry.TryGet("jobs", out var topic));

        var (code, message) = await _broker.Set(topic).DeleteAsync("jobs");
        Assert.True(code == ErrorCode.None, message);

        // No clock movement: the deletion itself ends the wait.
        var answer = await _session.NextAsync();
        Assert.Equal(9u, answer!.Header.RequestId);
        Assert.Equal(ErrorCode.UnknownSubscription, answer.ErrorCode);
    }

    [Fact]
    public async Task A_waiting_receive_still_answers_empty_when_its_wait_runs_out()
    {
        await _session.SendAsync(SessionHarness.Encode(w => FrameWriter.WriteReceive(w, 10, "jobs"u8, "jobs"u8, 10, 0, 1000, 0)));
        _broker.Advance(TimeSpan.FromMilliseconds(1000));

        var answer = await _session.NextAsync();
        Assert.Equal(10u, answer!.Header.RequestId);
        Assert.Equal(Opcode.Receive, answer.Header.Opcode);
        Assert.Equal(0, Messages(answer));
    }

    [Fact]
    public async Task Request_id_0_closes_the_session_with_a_connection_error()
    {
        byte[] ping = SessionHarness.Encode(w => FrameWriter.WritePing(w, 0, "p"u8));

        Assert.False(await _session.SendAsync(ping));

        var error = await _session.NextAsync();
        Assert.Equal(0u, error!.Header.RequestId);
        Assert.Equal(ErrorCode.MalformedFrame, error.ErrorCode);
        Assert.Null(await _session.NextAsync());
    }

    [Theory]
    [InlineData(1, 0, new byte[] { 0x63 }, false)] // the Response flag
    [InlineData(0, 0, new byte[] { 0x63 }, true)]  // request id 0
    [InlineData(0, 6, new byte[] { 0x63 }, false)] // auth data with mechanism 0
    [InlineData(0, 0, new byte[] { 0xC3 }, false)] // a client name that is not UTF-8 (a truncated "é")
    public async Task Handshakes_with_flags_id_0_auth_data_or_a_bad_client_name_are_MalformedFrame_then_close(ushort flags, int authBytes, byte[] clientName, bool idZero)
    {
        await using var fresh = SessionHarness.Fresh(_broker);
        byte[] frame = SessionHarness.Encode(w => FrameWriter.WriteHandshake(w, idZero ? 0u : 1u, clientName, auth: new byte[authBytes]));
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(6), flags);

        Assert.False(await fresh.SendAsync(frame));

        var error = await fresh.NextAsync();
        Assert.Equal(0u, error!.Header.RequestId);
        Assert.Equal(ErrorCode.MalformedFrame, error.ErrorCode);
        Assert.Null(await fresh.NextAsync());
    }
}
