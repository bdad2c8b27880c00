using System.Buffers;
using System.Net;
using System.Net.Sockets;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.IntegrationTests.Infrastructure;

/// <summary>
/// A client that pipelines requests as fast as the broker takes them and never reads a response: the abuser the
/// broker's output budget exists for. Counts what it got into the socket so tests can see the broker stop reading.
/// </summary>
public sealed class Flooder : IAsyncDisposable
{
    private readonly Socket _socket;
    private long _bytesSent;
    private Task _sending = Task.CompletedTask;

    private Flooder(Socket socket) => _socket = socket;

    public long BytesSent => Interlocked.Read(ref _bytesSent);
    public Task Sending => _sending;

    public static async Task<Flooder> ConnectAsync(IPEndPoint endpoint)
    {
        // A small receive buffer: the broker's responses back up at once instead of filling megabytes of kernel memory.
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(endpoint);
        var handshake = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(handshake, 1, "flooder"u8);
        await socket.SendAsync(handshake.WrittenMemory, SocketFlags.None);
        var header = new byte[FrameHeader.Size];
        await ReceiveExactlyAsync(socket, header);
        var body = new byte[FrameHeader.Read(header).BodyLength];
        await ReceiveExactlyAsync(socket, body);
        Assert.Equal(Opcode.Handshake, FrameHeader.Read(header).Opcode);
        return new Flooder(socket);
    }

    /// <summary>Sends <paramref name="chunks"/> times the requests <paramref name="write"/> puts in one chunk, in the
    /// background; ends when all are sent or the socket is closed.</summary>
    public void Start(int chunks, int requestsPerChunk, Action<IBufferWriter<byte>, uint> write)
    {
        _sending = Task.Run(async () =>
        {
            var chunk = new ArrayBufferWriter<byte>();
            uint id = 2;
            try
            {
                for (int c = 0; c < chunks; c++)
                {
                    chunk.ResetWrittenCount();
                    for (int r = 0; r < requestsPerChunk; r++) write(chunk, id++);
                    var memory = chunk.WrittenMemory;
                    while (!memory.IsEmpty)
                    {
                        int n = await _socket.SendAsync(memory, SocketFlags.None);
                        memory = memory[n..];
                        Interlocked.Add(ref _bytesSent, n);
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Closed by the test (or reset by the broker).
            }
        });
    }

    /// <summary>Waits until sending is done or has made no progress for <paramref name="quiet"/> (the broker stopped
    /// reading), at most <paramref name="limit"/>. True when it stalled or finished.</summary>
    public async Task<bool> StalledOrDoneAsync(TimeSpan quiet, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        long last = -1;
        var lastChange = DateTime.UtcNow;
        while (DateTime.UtcNow < until)
        {
            if (_sending.IsCompleted) return true;
            long now = BytesSent;
            if (now != last)
            {
                last = now;
                lastChange = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - lastChange >= quiet)
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }

    private static async Task ReceiveExactlyAsync(Socket socket, byte[] buffer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            if (n == 0) throw new InvalidOperationException("closed during the handshake");
            read += n;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _sending;
    }
}
