using System.IO.Pipelines;
using System.Net.Sockets;

namespace FastBroker.Server.Transport;

/// <summary>
/// A <see cref="ConnectionChannel"/> over an accepted TCP socket. Receives go straight from the socket into the
/// caller's pipe memory and complete through the socket's reusable event args, so the steady state allocates nothing;
/// the output is a pipe writer over a <see cref="NetworkStream"/> that owns the socket.
/// </summary>
internal sealed class SocketChannel : ConnectionChannel
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    public SocketChannel(Socket socket)
    {
        _socket = socket;
        // A flush ends with a small segment more often than not; Nagle would hold it until the previous one is acked.
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
    }

    public override PipeWriter Output { get; }

    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer) => _socket.ReceiveAsync(buffer, SocketFlags.None);

    public override bool HasUnreadInput
    {
        get
        {
            try
            {
                return _socket.Available != 0;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Reset or closed: nothing more will be read from it.
                return false;
            }
        }
    }

    public override void Close()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
        _stream.Dispose();
    }
}
