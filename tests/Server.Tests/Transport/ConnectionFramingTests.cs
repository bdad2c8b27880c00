using System.Text;
using FastBroker.Server.Hosting;
using FastBroker.Server.Tests.Sessions;
using FastBroker.Server.Transport;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Tests.Transport;

/// <summary>The receive and send loops of a real connection on an in-memory channel: frames in whatever pieces the
/// peer sends them, answers out, and the frame caps checked on the declared length before any body is waited for.</summary>
public sealed class ConnectionFramingTests
{
    [Fact]
    public async Task A_handshake_and_a_request_split_across_sends_are_answered_and_a_peer_close_ends_the_connection()
    {
        await using var h = new ConnectionHarness();
        await h.HandshakeAsync();

        byte[] ping = ConnectionHarness.Encode(w => FrameWriter.WritePing(w, 2, "hello"u8));
        await h.Channel.SendAsync(ping.AsMemory(0, 5));
        await h.Channel.SendAsync(ping.AsMemory(5, FrameHeader.Size));
        await h.Channel.SendAsync(ping.AsMemory(5 + FrameHeader.Size));

        var pong = await h.ExpectFrameAsync();
        Assert.Equal((Opcode.Ping, FrameFlags.Response, 2u), (pong.Header.Opcode, pong.Header.Flags, pong.Header.RequestId));
        Assert.Equal("hello", Encoding.UTF8.GetString(pong.Body));

        h.Channel.CloseInput();
        await h.ExpectClosedAsync();
    }

    [Fact]
    public async Task A_first_frame_over_the_pre_handshake_cap_is_refused_from_its_header_alone_and_closed()
    {
        await using var h = new ConnectionHarness();

        // Only the header: the cap is checked before the body is waited for.
        await h.Channel.SendAsync(Header(Connection.MaxPreHandshakeFrameBytes + 1, Opcode.Handshake, 1));

        var error = await h.ExpectFrameAsync();
        Assert.Equal((Opcode.Error, 0u, ErrorCode.FrameTooLarge), (error.Header.Opcode, error.Header.RequestId, error.ErrorCode));
        Assert.Contains($"{Connection.MaxPreHandshakeFrameBytes}-byte limit before the handshake", Message(error));
        await h.ExpectClosedAsync();
    }

    [Fact]
    public async Task After_the_handshake_frames_up_to_the_max_frame_size_are_read_and_a_larger_one_is_refused_and_closed()
    {
        const int maxFrame = 64 * 1024;
        await using var h = new ConnectionHarness(new ServerOptions { MaxFrameBytes = maxFrame });
        await h.HandshakeAsync();

        // Past the pre-handshake cap now that the handshake is done.
        byte[] payload = new byte[Connection.MaxPreHandshakeFrameBytes * 4];
        Random.Shared.NextBytes(payload);
        await h.SendAsync(w => FrameWriter.WritePing(w, 2, payload));
        var pong = await h.ExpectFrameAsync();
        Assert.Equal((Opcode.Ping, 2u), (pong.Header.Opcode, pong.Header.RequestId));
        Assert.Equal(payload, pong.Body);

        await h.Channel.SendAsync(Header(maxFrame + 1, Opcode.Publish, 3));

        var error = await h.ExpectFrameAsync();
        Assert.Equal((Opcode.Error, 0u, ErrorCode.FrameTooLarge), (error.Header.Opcode, error.Header.RequestId, error.ErrorCode));
        Assert.Contains($"frame body of {maxFrame + 1} bytes exceeds the limit of {maxFrame} bytes", Message(error));
        await h.ExpectClosedAsync();
    }

    private static byte[] Header(int bodyLength, Opcode opcode, uint requestId)
    {
        byte[] header = new byte[FrameHeader.Size];
        new FrameHeader(bodyLength, opcode, FrameFlags.None, requestId).Write(header);
        return header;
    }

    private static string Message(SentFrame error)
    {
        Assert.True(ErrorResponse.TryParse(error.Body, out var parsed));
        return Encoding.UTF8.GetString(parsed.Message);
    }
}
