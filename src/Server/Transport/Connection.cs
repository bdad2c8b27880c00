using System.IO.Pipelines;
using System.Net.Sockets;
using FastBroker.Server.Sessions;
using FastBroker.Wire;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Transport;

/// <summary>
/// One accepted connection and its loops: fill (channel → pipe), receive (pipe → frames → session) and send (session
/// responses → channel output). Either of the last two ending shuts the connection down once. Only channel operations
/// can mean "the peer went away"; an exception out of the session is a broker fault, answered and logged as one.
/// The channel is a socket in the broker (<see cref="SocketChannel"/>) and memory in tests.
/// </summary>
internal sealed class Connection
{
    /// <summary>The largest first frame read before the handshake (a v1 handshake is a few dozen bytes), so an
    /// unauthenticated peer cannot make the broker buffer a whole max-size frame.</summary>
    public const int MaxPreHandshakeFrameBytes = 4096;

    private const int ReceiveChunk = ReceiveBuffers.SegmentBytes;

    // The send loop hands bytes to the socket at least this often, so a dead socket is noticed after one chunk
    // rather than after every queued response has been encoded into memory.
    private const int FlushChunk = 256 * 1024;

    private readonly ConnectionChannel _channel;
    private readonly Session _session;
    private readonly Pipe _inbound;
    private readonly PipeWriter _output;
    private readonly int _maxFrameBytes;
    private readonly ILogger _logger;
    private readonly ConnectionDeadlines _deadlines;
    private readonly CancellationTokenSource _closed = new();
    private readonly TimeProvider _time;
    private long _expiredAt = long.MinValue;
    private int _shutdown;
    // 1 while the receive loop waits for input with everything before it parsed (see InputQuiet).
    private int _awaitingInput;
    // 1 while the receive loop waits for output or in-flight room instead of parsing (see ReceivingPaused).
    private int _receivingPaused;

    public Connection(ConnectionChannel channel, Session session, int maxFrameBytes, ConnectionDeadlines deadlines, TimeProvider time, ILogger logger)
    {
        _channel = channel;
        _session = session;
        _maxFrameBytes = maxFrameBytes;
        _deadlines = deadlines;
        _time = time;
        _logger = logger;
        // The inbound pipe must hold a whole frame before its reader can consume it, so it pauses the socket only
        // past the frame cap: a connection buffers at most one frame plus one read.
        _inbound = new Pipe(new PipeOptions(
            pool: ReceiveBuffers.Instance,
            pauseWriterThreshold: maxFrameBytes + FrameHeader.Size + ReceiveChunk,
            resumeWriterThreshold: (maxFrameBytes + FrameHeader.Size + ReceiveChunk) / 2,
            minimumSegmentSize: ReceiveChunk,
            useSynchronizationContext: false));
        _output = channel.Output;
    }

    public long Id => _session.ConnectionId;

    private bool IsShutdown => Volatile.Read(ref _shutdown) != 0;

    /// <summary>True while requests are left unparsed because the connection's unsent output or its unacknowledged
    /// publish bytes are over their limits (DESIGN.md rule 24), false while it reads or waits for bytes.</summary>
    public bool ReceivingPaused => Volatile.Read(ref _receivingPaused) != 0;

    public async Task RunAsync()
    {
        var sending = SendLoopAsync();
        var filling = FillLoopAsync();
        await ReceiveLoopAsync().ConfigureAwait(false);
        _session.Complete();
        await sending.ConfigureAwait(false);
        await filling.ConfigureAwait(false);
        await _session.OwnedTopicsDeleted.ConfigureAwait(false);
        Shutdown("done");
        _session.DiscardUnsent();
        _session.Dispose();
        _closed.Dispose();
    }

    /// <summary>Closes the channel; pending reads and writes end with errors that the loops treat as "closed".</summary>
    public void Shutdown(string reason)
    {
        if (Interlocked.Exchange(ref _shutdown, 1) != 0) return;
        TransportLog.ConnectionClosed(_logger, Id, reason);
        // Wakes a receive loop paused for output room: nothing more will be read for a dead socket.
        _closed.Cancel();
        _channel.Close();
    }

    /// <summary>Shutdown, step one: frames read from now on are answered ShuttingDown, not executed.</summary>
    public void BeginDrain() => _session.BeginDrain();

    /// <summary>Shutdown, step two: once every request read before has its answer queued (or the grace is over),
    /// flush the answers and close.</summary>
    public async Task FinishDrainAsync(TimeSpan grace)
    {
        long start = _time.GetTimestamp();
        await Task.WhenAny(_session.Drained, Task.Delay(grace, _time)).ConfigureAwait(false);
        // Requests sent before the stop may still wait in the socket. Closing over unread bytes makes the kernel
        // reset the connection, and a reset discards the answers the client has not read yet, the acknowledged
        // publishes among them. So read on (each frame is answered ShuttingDown) until the input has been quiet for
        // two looks in a row, within the grace.
        int quietLooks = 0;
        while (quietLooks < 2 && !IsShutdown && _time.GetElapsedTime(start) < grace)
        {
            quietLooks = InputQuiet ? quietLooks + 1 : 0;
            await Task.Delay(QuietLook, _time).ConfigureAwait(false);
        }
        _session.EndAfterQueued();
    }

    private static readonly TimeSpan QuietLook = TimeSpan.FromMilliseconds(10);

    // Nothing unread in the channel, and the receive loop waiting for bytes with no whole frame left to parse.
    private bool InputQuiet => Volatile.Read(ref _awaitingInput) != 0 && !_channel.HasUnreadInput;

    /// <summary>Called by the listener's periodic sweep: closes the connection when a deadline has passed.</summary>
    public void CheckDeadlines()
    {
        if (IsShutdown) return;
        long expiredAt = Volatile.Read(ref _expiredAt);
        if (expiredAt != long.MinValue)
        {
            // The error frame had its chance; a peer that does not read it does not keep the socket.
            if (_time.GetElapsedTime(expiredAt) >= TimeSpan.FromSeconds(1)) Shutdown("deadline passed");
            return;
        }
        if (_deadlines.Expired() is not { } reason) return;
        Volatile.Write(ref _expiredAt, _time.GetTimestamp());
        _session.Expire(reason);
        _inbound.Reader.CancelPendingRead();
    }

    // Channel → pipe. Receiving straight into pipe memory (instead of a stream-backed PipeReader) keeps the steady
    // state free of allocations: socket receives and pipe flushes both complete through reusable sources.
    private async Task FillLoopAsync()
    {
        var writer = _inbound.Writer;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(ReceiveChunk);
                int received = await _channel.ReceiveAsync(memory).ConfigureAwait(false);
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

    // Pipe → frames → session. Parsing pauses while the connection's unsent responses are over their budget, and
    // stops for good the moment the connection shuts down.
    private async Task ReceiveLoopAsync()
    {
        var input = _inbound.Reader;
        var budget = _session.Output;
        FrameHeader header = default;
        bool midFrame = false;
        try
        {
            while (!IsShutdown)
            {
                _deadlines.WaitingForBytes(midFrame);
                Volatile.Write(ref _awaitingInput, 1);
                var result = await input.ReadAsync().ConfigureAwait(false);
                Volatile.Write(ref _awaitingInput, 0);
                if (result.IsCanceled) return;
                var buffer = result.Buffer;
                bool handshakeDone = _session.HandshakeDone;
                bool keepReading = true;
                bool overBudget = false;
                while (keepReading && !IsShutdown)
                {
                    if (budget.IsOver)
                    {
                        overBudget = true;
                        break;
                    }
                    int cap = handshakeDone ? _maxFrameBytes : MaxPreHandshakeFrameBytes;
                    var status = FrameParser.TryReadFrame(ref buffer, cap, out header, out var body);
                    if (status == FrameStatus.Incomplete) break;
                    if (status == FrameStatus.TooLarge)
                    {
                        if (handshakeDone) _session.RejectOversizedFrame(header);
                        else _session.RejectOversizedFirstFrame(header, cap);
                        keepReading = false;
                        break;
                    }
                    keepReading = await _session.HandleFrameAsync(header, body).ConfigureAwait(false);
                    if (!handshakeDone && _session.HandshakeDone)
                    {
                        handshakeDone = true;
                        _deadlines.HandshakeDone();
                    }
                }
                if (overBudget)
                {
                    // Whole frames are still buffered: mark nothing examined, so the next read returns them at once.
                    input.AdvanceTo(buffer.Start);
                    _deadlines.Paused();
                    Volatile.Write(ref _receivingPaused, 1);
                    await budget.WaitForRoomAsync(_closed.Token).ConfigureAwait(false);
                    Volatile.Write(ref _receivingPaused, 0);
                    midFrame = false;
                    continue;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (!keepReading || result.IsCompleted) return;
                midFrame = !buffer.IsEmpty;
                var room = _session.WaitForInFlightRoomAsync(_closed.Token);
                if (!room.IsCompletedSuccessfully)
                {
                    _deadlines.Paused();
                    Volatile.Write(ref _receivingPaused, 1);
                    await room.ConfigureAwait(false);
                    Volatile.Write(ref _receivingPaused, 0);
                }
            }
        }
        catch (OperationCanceledException) when (IsShutdown)
        {
            // The connection closed while parsing was paused.
        }
        catch (Exception ex)
        {
            // Not a channel operation: the session failed on a request. Say so, then close (PROTOCOL.md section 11).
            _session.Fault(header, ex);
        }
        finally
        {
            // The fill loop sees the reader gone at its next flush; one blocked in a receive ends when the send
            // loop closes the channel after writing whatever is still queued (an error frame, for instance).
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync()
    {
        var responses = _session.Responses;
        var budget = _session.Output;
        string reason = "send loop ended";
        try
        {
            bool keepGoing = true;
            while (keepGoing && await responses.WaitToReadAsync().ConfigureAwait(false))
            {
                // Bytes are charged from queueing until the flush that hands them to the channel completes.
                long written = 0;
                try
                {
                    while (keepGoing && !IsShutdown && _output.UnflushedBytes < FlushChunk && responses.TryRead(out var item))
                    {
                        written += item.Cost;
                        keepGoing = _session.WriteResponse(item, _output);
                    }
                }
                catch (Exception ex)
                {
                    // Encoding is session work, not the channel: a fault. The half-written frame cannot be sent.
                    TransportLog.ConnectionFaulted(_logger, Id, ex);
                    reason = "fault encoding a response";
                    break;
                }
                var flush = await _output.FlushAsync().ConfigureAwait(false);
                budget.Release(written);
                if (flush.IsCompleted || IsShutdown) break;
            }
        }
        catch (Exception ex) when (IsDisconnect(ex))
        {
            TransportLog.ConnectionReset(_logger, Id, ex.Message);
            reason = "peer went away";
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
            Shutdown(reason);
        }
    }

    private static bool IsDisconnect(Exception ex)
        => ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException;
}
