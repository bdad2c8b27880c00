using System.Buffers;
using System.Net.Sockets;
using FastBroker.Server.Hosting;
using FastBroker.Server.Journal;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastBroker.Bench.Server;

/// <summary>
/// The broker in-process on 127.0.0.1 with a temp data directory, plus one raw socket that has done its handshake.
/// Requests are pre-encoded, so what the benchmarks measure (including allocations) is the broker's side.
/// </summary>
internal sealed class LoopbackBroker : IAsyncDisposable
{
    private readonly BrokerHost _host;
    private readonly string _data;
    private readonly byte[] _receive = new byte[4 << 20];

    private LoopbackBroker(BrokerHost host, string data, Socket socket)
    {
        _host = host;
        _data = data;
        Socket = socket;
    }

    public Socket Socket { get; }

    public static async Task<LoopbackBroker> StartAsync(FsyncPolicy fsync)
    {
        string data = Path.Combine(Path.GetTempPath(), $"fastbroker-bench-{Guid.NewGuid():N}");
        var options = new ServerOptions { Listen = new(System.Net.IPAddress.Loopback, 0), DataDirectory = data, Fsync = fsync };
        var host = BrokerHost.Start(options, NullLoggerFactory.Instance, TimeProvider.System);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(host.Endpoint);
        var broker = new LoopbackBroker(host, data, socket);
        await broker.RoundTripAsync(Encode(w => FrameWriter.WriteHandshake(w, 1, "bench"u8)), 1);
        return broker;
    }

    public static byte[] Encode(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Sends pre-encoded frames and reads until <paramref name="responses"/> frames came back.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask RoundTripAsync(ReadOnlyMemory<byte> frames, int responses)
    {
        int sent = 0;
        while (sent < frames.Length)
            sent += await Socket.SendAsync(frames[sent..], SocketFlags.None);

        int buffered = 0, seen = 0, position = 0;
        while (seen < responses)
        {
            while (buffered - position >= FrameHeader.Size)
            {
                var header = FrameHeader.Read(_receive.AsSpan(position));
                if (header.Opcode == Opcode.Error) throw new InvalidOperationException("the broker answered with an error");
                if (buffered - position < FrameHeader.Size + header.BodyLength) break;
                position += FrameHeader.Size + header.BodyLength;
                seen++;
            }
            if (seen == responses) break;
            if (position > 0)
            {
                Buffer.BlockCopy(_receive, position, _receive, 0, buffered - position);
                buffered -= position;
                position = 0;
            }
            int n = await Socket.ReceiveAsync(_receive.AsMemory(buffered), SocketFlags.None);
            if (n == 0) throw new InvalidOperationException("the broker closed the connection");
            buffered += n;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Socket.Dispose();
        await _host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
