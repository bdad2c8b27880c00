using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.IntegrationTests.Infrastructure;

/// <summary>A deliberately dumb client built on Wire alone: sends whatever bytes a test wants and reads frames back,
/// so tests can act as hostile peers the real client would never be.</summary>
public sealed class RawClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly Socket _socket;
    private readonly byte[] _receive = new byte[1 << 20];
    private int _buffered;
    private uint _nextRequestId = 1;

    private RawClient(Socket socket) => _socket = socket;

    public static async Task<RawClient> ConnectAsync(IPEndPoint endpoint, bool handshake = true)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint);
        var client = new RawClient(socket);
        if (handshake)
        {
            var response = await client.RequestAsync((w, id) => FrameWriter.WriteHandshake(w, id, "raw-test"u8));
            Assert.Equal(Opcode.Handshake, response.Header.Opcode);
        }
        return client;
    }

    public uint NextRequestId() => _nextRequestId++;

    public async Task SendAsync(ReadOnlyMemory<byte> bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    public async Task<uint> SendFrameAsync(Action<IBufferWriter<byte>, uint> write)
    {
        uint id = NextRequestId();
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer, id);
        await SendAsync(buffer.WrittenMemory);
        return id;
    }

    public async Task<RawFrame> RequestAsync(Action<IBufferWriter<byte>, uint> write)
    {
        uint id = await SendFrameAsync(write);
        var frame = await ReadFrameAsync() ?? throw new InvalidOperationException("connection closed before the response");
        Assert.Equal(id, frame.Header.RequestId);
        return frame;
    }

    /// <summary>Reads the next frame; null when the broker closed the connection.</summary>
    public async Task<RawFrame?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            if (_buffered >= FrameHeader.Size)
            {
                var header = FrameHeader.Read(_receive);
                int total = FrameHeader.Size + header.BodyLength;
                if (_buffered >= total)
                {
                    var body = _receive.AsSpan(FrameHeader.Size, header.BodyLength).ToArray();
                    Buffer.BlockCopy(_receive, total, _receive, 0, _buffered - total);
                    _buffered -= total;
                    return new RawFrame(header, body);
                }
            }
            int n;
            try
            {
                n = await _socket.ReceiveAsync(_receive.AsMemory(_buffered), SocketFlags.None, cts.Token);
            }
            catch (SocketException)
            {
                return null;
            }
            if (n == 0) return null;
            _buffered += n;
        }
    }

    /// <summary>True when nothing at all arrives within <paramref name="window"/> (no read is left pending).</summary>
    public async Task<bool> NothingArrivesWithinAsync(TimeSpan window)
    {
        await Task.Delay(window);
        return _buffered == 0 && _socket.Available == 0;
    }

    /// <summary>True when the broker closes the connection (after any frames it sends first) within the timeout.</summary>
    public async Task<bool> ClosedByBrokerAsync()
    {
        while (true)
        {
            var frame = await ReadFrameAsync();
            if (frame is null) return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed record RawFrame(FrameHeader Header, byte[] Body)
{
    public ErrorCode ErrorCode => Header.Opcode == Opcode.Error && ErrorResponse.TryParse(Body, out var e) ? e.Code : ErrorCode.None;
    public string ErrorMessage => Header.Opcode == Opcode.Error && ErrorResponse.TryParse(Body, out var e) ? Encoding.UTF8.GetString(e.Message) : "";
}
