using FastBroker.Server.Hosting;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Tests.Transport;

/// <summary>However a connection ends (the peer closing mid-frame, a reset, the broker shutting it down, twice), it
/// ends once: the channel is closed one time, the end is logged one time, and nothing is reported as a fault.</summary>
public sealed class ConnectionCloseTests
{
    [Fact]
    public async Task A_peer_closing_in_the_middle_of_a_frame_ends_the_connection_cleanly_once()
    {
        await using var h = new ConnectionHarness();
        await h.HandshakeAsync();
        byte[] ping = ConnectionHarness.Encode(w => FrameWriter.WritePing(w, 2, "never finished"u8));
        await h.Channel.SendAsync(ping.AsMemory(0, FrameHeader.Size + 3));

        h.Channel.CloseInput();

        await h.ExpectClosedAsync();
        Assert.Equal(1, h.Session.FramesRead);
    }

    [Fact]
    public async Task A_peer_reset_ends_the_connection_as_a_reset_not_a_fault()
    {
        await using var h = new ConnectionHarness();
        await h.HandshakeAsync();

        h.Channel.Reset();

        await h.Running.WaitAsync(ConnectionHarness.Patience);
        Assert.Equal(1, h.Channel.CloseCount);
        Assert.Contains(h.Log.Entries, e => e.Message.StartsWith("Connection 1 reset", StringComparison.Ordinal));
        Assert.Single(h.Log.Entries, e => e.Message.StartsWith("Connection 1 closed", StringComparison.Ordinal));
        Assert.DoesNotContain(h.Log.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Shutdown_twice_closes_the_channel_once_and_ends_the_connection()
    {
        await using var h = new ConnectionHarness();
        await h.HandshakeAsync();

        h.Connection.Shutdown("first");
        h.Connection.Shutdown("second");

        await h.Channel.Closed.WaitAsync(ConnectionHarness.Patience);
        await h.ExpectClosedAsync();
        Assert.Contains(h.Log.Entries, e => e.Message == "Connection 1 closed: first");
    }

    [Fact]
    public async Task Shutdown_wakes_a_receive_loop_paused_on_a_client_that_does_not_read()
    {
        await using var h = new ConnectionHarness(new ServerOptions { MaxOutputBytesPerConnection = 8 * 1024 }, window: 4 * 1024);
        await h.HandshakeAsync();
        byte[] payload = new byte[1000];
        await h.SendAsync(w =>
        {
            for (uint id = 2; id < 100; id++) FrameWriter.WritePing(w, id, payload);
        });
        await ConnectionHarness.EventuallyAsync(() => h.Connection.ReceivingPaused, "the receive loop to pause");

        h.Connection.Shutdown("deadline passed");

        await h.Running.WaitAsync(ConnectionHarness.Patience);
        Assert.Equal(1, h.Channel.CloseCount);
        Assert.DoesNotContain(h.Log.Entries, e => e.Level >= LogLevel.Error);
    }
}
