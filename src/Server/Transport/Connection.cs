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
    private readonly Pipe _inbound;
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
        // The inbound pipe must hold a whole frame before its reader can consume it, so it pauses the socket only
        // past the frame cap: a connection buffers at most one frame plus one read.
        _inbound = new Pipe(new PipeOptions(
            pauseWriterThreshold: maxFrameBytes + FrameHeader.Size + ReceiveChunk,
            resumeWriterThreshold: (maxFrameBytes + FrameHeader.Size + ReceiveChunk) / 2,
            minimumSegmentSize: ReceiveChunk,
            useSynchronizationContext: false));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
    }

    private const int ReceiveChunk = 64 * 1024;

    public long Id => _session.ConnectionId;

    public async Task RunAsync()
    {
        var sending = SendLoopAsync();
        var filling = FillLoopAsync();
        await ReceiveLoopAsync().ConfigureAwait(false);
        _session.Complete();
        await sending.ConfigureAwait(false);
        await filling.ConfigureAwait(false);
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

    // Socket → pipe. Reading the socket straight into pipe memory (instead of a stream-backed PipeReader) keeps
    // the steady state free of allocations: socket receives and pipe flushes both complete through reusable sources.
    private async Task FillLoopAsync()
    {
        var writer = _inbound.Writer;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(ReceiveChunk);
                int received = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (received == 0) break;
                writer.Advance(received);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled) break;
            }
        }
        catch (Exception ex) when (IsDisconnect(ex))
        {
            TransportLog.ConnectionReset(_logger, Id, ex.Message);
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    // Pipe → frames → session.
    private async Task ReceiveLoopAsync()
    {
        var input = _inbound.Reader;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
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
                input.AdvanceTo(buffer.Start, buffer.End);
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
            // The fill loop sees the reader gone at its next flush; one blocked in a receive ends when the send
            // loop shuts the socket down after writing whatever is still queued (an error frame, for instance).
            await input.CompleteAsync().ConfigureAwait(false);
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
            // Whatever ended sending (a Close marker, a dead socket) also ends receiving. Completing the writer may
            // flush into a socket that is already gone; that is a closed connection, not a fault.
            try
            {
                await _output.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsDisconnect(ex))
            {
                TransportLog.ConnectionReset(_logger, Id, ex.Message);
            }
            Shutdown("send loop ended");
        }
    }

    private static bool IsDisconnect(Exception ex)
        => ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException;
}
