using System.IO.Pipelines;
using FastBroker.Server.Journal;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Sessions;

internal sealed partial class Session
{
    private const int FetchPrefix = FrameHeader.Size + FrameWriter.FetchResponsePrefixSize;

    private void Fetch(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!FetchRequest.TryParse(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed fetch request");
            return;
        }
        if (!TryOpenForFetch(requestId, request.Topic, request.Partition, request.MaxWaitMs, out var partition, out var journal)) return;
        if (!TryCheckFetchOffset(requestId, partition, journal, request.Offset, out long end)) return;

        int maxBytes = (int)Math.Clamp(request.MaxBytes, 1u, (uint)(_broker.Limits.MaxFrameBytes - FrameWriter.FetchResponsePrefixSize));
        if (request.Offset < end || request.MaxWaitMs == 0)
            Enqueue(new Outbound(OutboundKind.FetchData, Opcode.Fetch, requestId, request.Offset, maxBytes, partition));
        else
            _ = LongPollAsync(requestId, partition, journal, request.Offset, maxBytes, TimeSpan.FromMilliseconds(request.MaxWaitMs));
    }

    // The checks Fetch and FetchFiltered share, in the order of PROTOCOL.md section 3.1: the topic and partition, the
    // partition's availability, then the wait (a field's range).
    private bool TryOpenForFetch(uint requestId, ReadOnlySpan<byte> topic, uint partitionIndex, uint maxWaitMs,
        out Partition partition, out PartitionJournal journal)
    {
        journal = null!;
        if (!TryResolve(requestId, topic, null, partitionIndex, out partition)) return false;
        if (!partition.TryGetJournal(out journal, out string failure))
        {
            Fail(requestId, ErrorCode.PartitionUnavailable, failure);
            return false;
        }
        if (maxWaitMs > Protocol.MaxFetchWaitMs)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"max wait {maxWaitMs} ms exceeds {Protocol.MaxFetchWaitMs} ms");
            return false;
        }
        return true;
    }

    // The data-state check of both fetches (PROTOCOL.md section 7.2): the offset lies in [log start, log end].
    private bool TryCheckFetchOffset(uint requestId, Partition partition, PartitionJournal journal, long offset, out long end)
    {
        long start = journal.StartOffset;
        end = journal.CommittedEndOffset;
        if (offset >= start && offset <= end) return true;
        FailOutOfRange(requestId, $"offset {offset} is outside partition {partition.Topic}/{partition.Index} range [{start}, {end}]", start, end);
        return false;
    }

    // PROTOCOL.md 5.11: the bounds ride along, so a reader below the start can continue from there at once.
    private void FailOutOfRange(uint requestId, string message, long start, long end)
        => Enqueue(new Outbound(OutboundKind.OffsetOutOfRange, Opcode.Error, requestId, Data: new OffsetOutOfRangeAnswer(message, start, end),
            Code: ErrorCode.OffsetOutOfRange));

    // The slow path: nothing to read yet. Register with the partition's signal *before* re-checking the end, so a
    // commit in between is never missed; then answer with whatever is there when woken or at the deadline.
    private async Task LongPollAsync(uint requestId, Partition partition, PartitionJournal journal, long offset, int maxBytes, TimeSpan wait)
    {
        try
        {
            var signal = partition.Signal;
            signal.AddWaiter();
            if (journal.CommittedEndOffset <= offset)
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
                var delay = Task.Delay(wait, _broker.Time, deadline.Token);
                await Task.WhenAny(signal.Task, delay).ConfigureAwait(false);
                deadline.Cancel();
                if (_broker.Stopping.IsCancellationRequested && journal.CommittedEndOffset <= offset)
                {
                    // PROTOCOL.md section 4: a long poll still waiting when the broker stops is told so.
                    Fail(requestId, ErrorCode.ShuttingDown, "the broker is stopping");
                    return;
                }
            }
            Enqueue(new Outbound(OutboundKind.FetchData, Opcode.Fetch, requestId, offset, maxBytes, partition));
        }
        catch (ObjectDisposedException)
        {
            // The session was torn down while waiting; nobody is left to answer.
        }
        catch (Exception ex)
        {
            FaultWaiting(Opcode.Fetch, requestId, ex);
        }
    }

    /// <summary>Reads whole batches from the journal straight into the socket's output buffer.</summary>
    private void WriteFetchData(in Outbound item, PipeWriter output)
    {
        var partition = (Partition)item.Data!;
        if (!partition.TryGetJournal(out var journal, out string failure))
        {
            FrameWriter.WriteError(output, item.RequestId, ErrorCode.PartitionUnavailable, failure);
            return;
        }

        try
        {
            int maxBytes = item.Length;
            var span = output.GetSpan(FetchPrefix + maxBytes);
            var result = journal.Read(item.Value, span.Slice(FetchPrefix, maxBytes));
            if (result.BytesWritten == 0 && result.RequiredBytes > 0)
            {
                // The first batch alone is larger than asked for; send it anyway so a consumer can never stall.
                maxBytes = result.RequiredBytes;
                span = output.GetSpan(FetchPrefix + maxBytes);
                result = journal.Read(item.Value, span.Slice(FetchPrefix, maxBytes));
            }
            FrameWriter.WriteFetchResponsePrefix(span, item.RequestId, journal.StartOffset, journal.CommittedEndOffset, result.BytesWritten);
            output.Advance(FetchPrefix + result.BytesWritten);
        }
        catch (Exception ex) when (ex is JournalCorruptedException or IOException or ObjectDisposedException or ArgumentOutOfRangeException)
        {
            SessionLog.FetchFailed(_logger, ConnectionId, partition.Topic, partition.Index, ex);
            string message = $"fetch from {partition.Topic}/{partition.Index} failed: {ex.Message}";
            // Retention removed the offset between the check and the read: the same answer as at the check.
            if (ex is ArgumentOutOfRangeException)
                FrameWriter.WriteOffsetOutOfRange(output, item.RequestId, message, journal.StartOffset, journal.CommittedEndOffset);
            else
                FrameWriter.WriteError(output, item.RequestId, ex is ObjectDisposedException ? ErrorCode.UnknownTopic : ErrorCode.StorageError, message);
        }
    }
}
