using System.Buffers;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.IntegrationTests;

/// <summary>Deadlines with short values from the command line: no handshake in time, or a frame left half sent,
/// gets Error Timeout on request id 0 and a close; a connection idle between frames stays.</summary>
public sealed class ConnectionDeadlineTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private BrokerProcess _broker = null!;

    public async Task InitializeAsync()
        => _broker = await BrokerProcess.StartAsync(extraArgs: ["--handshake-timeout", "1s", "--frame-timeout", "1s"]);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_connection_without_a_handshake_is_closed_with_Timeout()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint, handshake: false);
        var frame = await client.ReadFrameAsync(Bound);
        Assert.Equal(ErrorCode.Timeout, frame?.ErrorCode);
        Assert.Equal(0u, frame!.Header.RequestId);
        Assert.Contains("handshake", frame.ErrorMessage);
        Assert.True(await client.ClosedByBrokerAsync());
    }

    [Fact]
    public async Task A_frame_left_half_sent_is_closed_with_Timeout()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint);
        var ping = new ArrayBufferWriter<byte>();
        FrameWriter.WritePing(ping, client.NextRequestId(), "never finished"u8);
        await client.SendAsync(ping.WrittenMemory[..(FrameHeader.Size + 3)]);

        var frame = await client.ReadFrameAsync(Bound);
        Assert.Equal(ErrorCode.Timeout, frame?.ErrorCode);
        Assert.Contains("incomplete", frame!.ErrorMessage);
        Assert.True(await client.ClosedByBrokerAsync());
    }

    [Fact]
    public async Task A_connection_idle_between_frames_stays_open()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint);
        // Both deadlines are 1 s: being idle for longer than that between whole frames is allowed.
        Assert.True(await client.NothingArrivesWithinAsync(TimeSpan.FromSeconds(2.5)));
        var pong = await client.RequestAsync((w, id) => FrameWriter.WritePing(w, id, "still open"u8));
        Assert.Equal(Opcode.Ping, pong.Header.Opcode);
    }

    [Fact]
    public async Task A_large_first_frame_is_refused_before_it_is_buffered()
    {
        await using var client = await RawClient.ConnectAsync(_broker.Endpoint, handshake: false);
        var header = new byte[FrameHeader.Size];
        new FrameHeader(100_000, Opcode.Handshake, FrameFlags.None, 1).Write(header);
        await client.SendAsync(header);

        var frame = await client.ReadFrameAsync(Bound);
        Assert.Equal(ErrorCode.FrameTooLarge, frame?.ErrorCode);
        Assert.Contains("4096", frame!.ErrorMessage);
        Assert.True(await client.ClosedByBrokerAsync());
    }
}
