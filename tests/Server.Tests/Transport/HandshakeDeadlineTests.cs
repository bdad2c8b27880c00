using System.Net;
using System.Net.Sockets;
using FastBroker.Server.Hosting;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Transport;

/// <summary>The deadline sweep runs on the broker's injected clock: a fake clock moved past the handshake timeout
/// closes a silent connection with Timeout, while a handshaken idle one stays.</summary>
public sealed class HandshakeDeadlineTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"fb-deadline-{Guid.NewGuid():N}");
    private BrokerHost _host = null!;

    public Task InitializeAsync()
    {
        var options = new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), DataDirectory = _data };
        _host = BrokerHost.Start(options, NullLoggerFactory.Instance, _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Silent_connection_gets_Timeout_after_the_fake_clock_passes_the_handshake_deadline()
    {
        using var silent = await ConnectAsync();
        using var polite = await ConnectAsync();
        await SendHandshakeAsync(polite);
        Assert.Equal(Opcode.Handshake, (await ReadFrameAsync(polite)).Header.Opcode);

        // The sweep runs every second of the fake clock; at 10 s the deadline has passed. (One more second and the
        // broker would close the socket hard, error sent or not, so the test reads before moving the clock on.)
        for (int i = 0; i < 10; i++) _time.Advance(TimeSpan.FromSeconds(1));

        var (header, body) = await ReadFrameAsync(silent);
        Assert.Equal(Opcode.Error, header.Opcode);
        Assert.True(ErrorResponse.TryParse(body, out var error));
        Assert.Equal(ErrorCode.Timeout, error.Code);

        // Hours idle between frames: still served.
        for (int i = 0; i < 10; i++) _time.Advance(TimeSpan.FromHours(1));
        var ping = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.WritePing(ping, 7, "hi"u8);
        await polite.SendAsync(ping.WrittenMemory, SocketFlags.None);
        var pong = await ReadFrameAsync(polite);
        Assert.Equal(Opcode.Ping, pong.Header.Opcode);
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_host.Endpoint);
        return socket;
    }

    private static async Task SendHandshakeAsync(Socket socket)
    {
        var frame = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(frame, 1, "unit"u8);
        await socket.SendAsync(frame.WrittenMemory, SocketFlags.None);
    }

    private static async Task<(FrameHeader Header, byte[] Body)> ReadFrameAsync(Socket socket)
    {
        var head = new byte[FrameHeader.Size];
        await ReadExactlyAsync(socket, head);
        var header = FrameHeader.Read(head);
        var body = new byte[header.BodyLength];
        await ReadExactlyAsync(socket, body);
        return (header, body);
    }

    private static async Task ReadExactlyAsync(Socket socket, byte[] buffer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            if (n == 0) throw new IOException("closed");
            read += n;
        }
    }
}
