using System.Buffers;
using FastBroker.Wire;

namespace FastBroker.Server.Sessions;

/// <summary>How a session ends: drained for shutdown (OPERATIONS.md "Shutdown"), closed for a fault or a missed
/// deadline, or discarded when its socket is gone.</summary>
internal sealed partial class Session
{
    // Drained: every frame read has its answer, and every push subscription has sent its last frame.
    private void SignalIfDrained()
    {
        if (Volatile.Read(ref _answered) >= Volatile.Read(ref _framesRead) && Volatile.Read(ref _livePushes) == 0)
            _drained.TrySetResult();
    }

    private bool RefuseStopping(uint requestId)
    {
        if (!_handshakeDone) return Close(0, ErrorCode.ShuttingDown, "the broker is stopping");
        Fail(requestId, ErrorCode.ShuttingDown, "the broker is stopping; this request was not executed");
        return true;
    }

    /// <summary>
    /// Shutdown, step one: from now on every frame is answered <c>ShuttingDown</c> without being executed, and
    /// <see cref="Drained"/> completes once everything read before has its answer queued.
    /// </summary>
    public void BeginDrain()
    {
        Interlocked.Exchange(ref _draining, 1);
        SignalIfDrained();
    }

    /// <summary>Shutdown, last step: queues the marker after which the send loop flushes and closes.</summary>
    public void EndAfterQueued() => Enqueue(new Outbound(OutboundKind.Close, Opcode.Error, 0), answersRequest: false);

    /// <summary>
    /// An exception escaped request handling: a broker fault, never a vanished peer (DESIGN.md rule 21). Logged with
    /// the connection id, answered with InternalError on request id 0, and the connection closes.
    /// </summary>
    public void Fault(in FrameHeader header, Exception exception)
    {
        SessionLog.RequestFaulted(_logger, ConnectionId, header.Opcode, header.RequestId, exception);
        Close(0, ErrorCode.InternalError, $"internal error handling request {header.RequestId} ({header.Opcode}); the connection is closed");
    }

    // A long poll's own task failed: nobody awaits it, so it answers and closes here (same policy as Fault).
    private void FaultWaiting(Opcode opcode, uint requestId, Exception exception)
    {
        SessionLog.RequestFaulted(_logger, ConnectionId, opcode, requestId, exception);
        Close(0, ErrorCode.InternalError, $"internal error in {opcode} request {requestId}; the connection is closed");
    }

    /// <summary>A connection deadline passed: the reason goes to the client on request id 0, then the connection closes.</summary>
    public void Expire(string reason) => Close(0, ErrorCode.Timeout, reason);

    /// <summary>The pre-handshake frame cap: a first frame larger than this is refused before it is buffered.</summary>
    public void RejectOversizedFirstFrame(in FrameHeader header, int limit)
        => Close(0, ErrorCode.FrameTooLarge,
            $"a first frame of {header.BodyLength} bytes exceeds the {limit}-byte limit before the handshake");

    /// <summary>The connection is gone: responses it never sent give their pooled buffers back.</summary>
    public void DiscardUnsent()
    {
        while (_responses.Reader.TryRead(out var item))
        {
            if (item.Kind == OutboundKind.Ping) ArrayPool<byte>.Shared.Return((byte[])item.Data!);
            else if (item.Kind == OutboundKind.Frame) Topics.BatchBuffers.Pool.Return((byte[])item.Data!);
        }
    }
}
