using System.IO.Pipelines;
using System.Net.Sockets;
using FastBroker.Server.Sessions;
using FastBroker.Wire;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Transport;

/// <summary>
/// One accepted socket and its two loops: receive (socket → pipe → frames → session) and send (session responses →
/// pipe → socket). Either loop ending shuts the connection down once; socket errors are values here, not crashes.
/// </summary>
internal sealed class Connection
{
    private readonly Socket _socket;
    private readonly Session _session;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly int _maxFrameBytes;
    private readonly ILogger _logger;
    private int _shutdown;

    public Connection(Socket socket, Session session, int maxFrameBytes, ILogger logger)
    {
        _socket = socket;
        _session = session;
        _maxFrameBytes = maxFrameBytes;
        _logger = logger;
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
    }

    public long Id => _session.ConnectionId;

    public async Task RunAsync()
    {
        var sending = SendLoopAsync();
        await ReceiveLoopAsync().ConfigureAwait(false);
        _session.Complete();
        await sending.ConfigureAwait(false);
        Shutdown("done");
        _session.Dispose();
    }

    /// <summary>Closes the socket; pending reads and writes end with errors that the loops treat as "closed".</summary>
    public void Shutdown(string reason)
    {
        if (Interlocked.Exchange(ref _shutdown, 1) != 0) return;
        TransportLog.ConnectionClosed(_logger, Id, reason);
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

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                bool keepReading = true;
                while (keepReading)
                {
                    var status = FrameParser.TryReadFrame(ref buffer, _maxFrameBytes, out var header, out var body);
                    if (status == FrameStatus.Incomplete) break;
                    if (status == FrameStatus.TooLarge)
                    {
                        _session.RejectOversizedFrame(header);
                        keepReading = false;
                        break;
                    }
                    keepReading = await _session.HandleFrameAsync(header, body).ConfigureAwait(false);
                }
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (!keepReading || result.IsCompleted) return;
                await _session.WaitForInFlightRoomAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsDisconnect(ex))
        {
            TransportLog.ConnectionReset(_logger, Id, ex.Message);
        }
        catch (Exception ex)
        {
            TransportLog.ConnectionFaulted(_logger, Id, ex);
        }
        finally
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync()
    {
        var responses = _session.Responses;
        try
        {
            while (await responses.WaitToReadAsync().ConfigureAwait(false))
            {
                bool keepGoing = true;
                while (keepGoing && responses.TryRead(out var item))
                    keepGoing = _session.WriteResponse(item, _output);
                var flush = await _output.FlushAsync().ConfigureAwait(false);
                if (!keepGoing || flush.IsCompleted) break;
            }
        }
        catch (Exception ex) when (IsDisconnect(ex))
        {
            TransportLog.ConnectionReset(_logger, Id, ex.Message);
        }
        catch (Exception ex)
        {
            TransportLog.ConnectionFaulted(_logger, Id, ex);
        }
        finally
        {
            // Whatever ended sending (a Close marker, a dead socket) also ends receiving.
            Shutdown("send loop ended");
            await _output.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static bool IsDisconnect(Exception ex)
        => ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException;
}
