using System.Text;
using FastBroker.Server.Hosting;
using FastBroker.Server.Tests.Sessions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Tests.Transport;

/// <summary>The connection's deadlines on its fake clock, swept as the listener sweeps them: no handshake in time and a
/// frame left half sent both end in Timeout and a close; a connection idle between frames keeps no deadline.</summary>
public sealed class ConnectionTimeoutTests
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(2);
    private static readonly ServerOptions Deadlines = new() { HandshakeTimeout = HandshakeTimeout, FrameTimeout = FrameTimeout };

    [Fact]
    public async Task No_handshake_within_the_handshake_timeout_is_answered_Timeout_and_closed()
    {
        await using var h = new ConnectionHarness(Deadlines);

        // The handshake clock starts when the connection is made, which the test did at the clock's current time.
        h.Clock.Advance(HandshakeTimeout);
        h.Connection.CheckDeadlines();

        var error = await h.ExpectFrameAsync();
        Assert.Equal((Opcode.Error, 0u, ErrorCode.Timeout), (error.Header.Opcode, error.Header.RequestId, error.ErrorCode));
        Assert.Equal("no handshake within 5 s of connecting", Message(error));
        await h.ExpectClosedAsync();
    }

    [Fact]
    public async Task A_handshake_just_inside_the_timeout_is_served_and_then_hours_idle_between_frames_are_fine()
    {
        await using var h = new ConnectionHarness(Deadlines);

        h.Clock.Advance(HandshakeTimeout - TimeSpan.FromTicks(1));
        h.Connection.CheckDeadlines();
        await h.HandshakeAsync();
        // Read after the handshake, so the receive loop has recorded it before the clock moves on.
        await h.PingAsync();

        for (int i = 0; i < 5; i++)
        {
            h.Clock.Advance(TimeSpan.FromHours(1));
            h.Connection.CheckDeadlines();
        }

        await h.PingAsync();
    }

    [Fact]
    public async Task A_frame_left_half_sent_past_the_frame_timeout_is_answered_Timeout_and_closed()
    {
        await using var h = new ConnectionHarness(Deadlines);
        await h.HandshakeAsync();
        await h.PingAsync();

        // A frame completed within the timeout is served: its clock started no earlier than the moment it was sent.
        byte[] slow = ConnectionHarness.Encode(w => FrameWriter.WritePing(w, 10, "slow"u8));
        await h.Channel.SendAsync(slow.AsMemory(0, FrameHeader.Size + 1));
        h.Clock.Advance(FrameTimeout - TimeSpan.FromTicks(1));
        h.Connection.CheckDeadlines();
        await h.Channel.SendAsync(slow.AsMemory(FrameHeader.Size + 1));
        var pong = await h.ExpectFrameAsync();
        Assert.Equal((Opcode.Ping, 10u), (pong.Header.Opcode, pong.Header.RequestId));

        // This one never completes.
        byte[] stuck = ConnectionHarness.Encode(w => FrameWriter.WritePing(w, 11, "stuck"u8));
        await h.Channel.SendAsync(stuck.AsMemory(0, FrameHeader.Size + 2));
        var next = h.NextAsync();
        await h.AdvanceUntilAsync(next, FrameTimeout, sweep: true);

        var error = await next ?? throw new InvalidOperationException("closed without an error");
        Assert.Equal((Opcode.Error, 0u, ErrorCode.Timeout), (error.Header.Opcode, error.Header.RequestId, error.ErrorCode));
        Assert.Equal("a frame was left incomplete for 2 s", Message(error));
        await h.ExpectClosedAsync();
    }

    private static string Message(SentFrame error)
    {
        Assert.True(ErrorResponse.TryParse(error.Body, out var parsed));
        return Encoding.UTF8.GetString(parsed.Message);
    }
}
