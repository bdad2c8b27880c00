using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.ClientLite;

public sealed partial class BrokerConnection
{
    /// <summary>
    /// Socket → frames: cuts frames out of the pipe in place and completes the matching request. Ends, and closes
    /// the connection, when the broker closes it, the socket fails, or the broker breaks the protocol.
    /// </summary>
    private async Task ReceiveLoopAsync()
    {
        var stream = new NetworkStream(_socket, ownsSocket: false);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        Exception reason;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                Exception? violation = null;
                while (violation is null)
                {
                    var status = FrameParser.TryReadFrame(ref buffer, _options.MaxReceiveFrameBytes, out var header, out var body);
                    if (status == FrameStatus.Incomplete)
                        break;
                    violation = status == FrameStatus.TooLarge
                        ? ProtocolViolation($"a {header.BodyLength}-byte frame exceeds the {_options.MaxReceiveFrameBytes}-byte cap")
                        : Dispatch(header, body);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (violation is not null)
                {
                    reason = violation;
                    break;
                }
                if (result.IsCompleted)
                {
                    reason = new BrokerConnectionException($"The broker at {_endpointText} closed the connection.");
                    break;
                }
            }
        }
        catch (Exception e)
        {
            // The one place a receive failure of any kind is turned into "connection lost" for every waiter.
            reason = e;
        }
        await reader.CompleteAsync().ConfigureAwait(false);
        await stream.DisposeAsync().ConfigureAwait(false);
        Shutdown(reason);
    }

    /// <summary>Completes the request a frame answers; returns the reason to close when the frame is not acceptable.</summary>
    private Exception? Dispatch(FrameHeader header, ReadOnlySequence<byte> body)
    {
        if (!header.IsResponse)
            return ProtocolViolation($"a request frame ({header.Opcode}) from the broker");

        if (header.RequestId == 0)
        {
            // About the whole connection (bad handshake, oversized frame): the broker closes after it.
            return header.Opcode == Opcode.Error && TryReadError(body, out var connectionError)
                ? connectionError
                : ProtocolViolation($"an unsolicited {header.Opcode} frame");
        }
        if ((header.Flags & FrameFlags.Push) != 0)
            return DispatchPush(header, body);

        PendingRequest? pending;
        PushSubscription? ended = null;
        lock (_pendingLock)
        {
            // An error under a live push id that is not answering its Subscribe ends that push subscription.
            if (!_pending.Remove(header.RequestId, out pending) && header.Opcode == Opcode.Error)
                _pushes.Remove(header.RequestId, out ended);
        }
        if (pending is null)
            return ended is null ? null : EndPush(ended, body); // else timed out or canceled earlier: no one to answer

        if (header.Opcode == Opcode.Error)
        {
            if (!TryReadError(body, out var error))
            {
                pending.SetError(ProtocolViolation("a malformed error frame"));
                return ProtocolViolation("a malformed error frame");
            }
            pending.SetError(error);
            return null;
        }
        if (header.Opcode != pending.Opcode)
        {
            var violation = ProtocolViolation($"a {header.Opcode} response to a {pending.Opcode} request");
            pending.SetError(violation);
            return violation;
        }

        var copy = ArrayPool<byte>.Shared.Rent(Math.Max(header.BodyLength, 1));
        body.CopyTo(copy);
        pending.SetResponse(copy, header.BodyLength);
        return null;
    }

    private static bool TryReadError(ReadOnlySequence<byte> body, out BrokerException error)
    {
        error = null!;
        if (body.Length > 4 + 16 + FrameWriter.MaxErrorMessageBytes * 4)
            return false;
        Span<byte> scratch = stackalloc byte[(int)body.Length];
        body.CopyTo(scratch);
        if (!ErrorResponse.TryParse(scratch, out var parsed))
            return false;
        error = new BrokerException(parsed.Code, Encoding.UTF8.GetString(parsed.Message))
        {
            LogStartOffset = parsed.HasOffsets ? parsed.LogStartOffset : null,
            LogEndOffset = parsed.HasOffsets ? parsed.LogEndOffset : null,
        };
        return true;
    }

    /// <summary>
    /// Frames → socket: swaps the buffer callers write into for the one just sent, so every frame queued since
    /// the last write leaves in one socket write.
    /// </summary>
    private async Task SendLoopAsync()
    {
        var sending = _spareBuffer;
        try
        {
            while (true)
            {
                await _sendSignal.WaitAsync().ConfigureAwait(false);
                lock (_pendingLock)
                {
                    if (_closeReason is not null)
                        return;
                }
                lock (_sendLock)
                {
                    if (_sendClosed || _writeBuffer.WrittenCount == 0)
                        continue;
                    (sending, _writeBuffer) = (_writeBuffer, sending);
                    _spareBuffer = sending;
                }

                var remaining = sending.WrittenMemory;
                while (remaining.Length > 0)
                {
                    int sent = await _socket.SendAsync(remaining, SocketFlags.None).ConfigureAwait(false);
                    remaining = remaining[sent..];
                }
                lock (_sendLock)
                    sending.Reset();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Shutdown(e);
        }
    }
}
