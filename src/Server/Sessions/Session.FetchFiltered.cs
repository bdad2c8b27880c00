using FastBroker.Server.Journal;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Filters;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Sessions;

internal sealed partial class Session
{
    private readonly FilterCache _filters = new();

    // PROTOCOL.md section 5.8.1: the checks and errors of Fetch, then the filter (a field, so after max wait).
    private void FetchFiltered(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!FetchFilteredRequest.TryParse(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed fetch filtered request");
            return;
        }
        if (!TryOpenForFetch(requestId, request.Topic, request.Partition, request.MaxWaitMs, out var partition, out var journal)) return;
        if (!_filters.TryGet(request.Filter, out var filter, out string? invalid))
        {
            Fail(requestId, ErrorCode.InvalidArgument, invalid!);
            return;
        }

        if (!TryCheckFetchOffset(requestId, partition, journal, request.Offset, out _)) return;

        int maxBytes = (int)Math.Clamp(request.MaxBytes, 1u, (uint)(_broker.Limits.MaxFrameBytes - FetchFilteredResponse.PrefixSize));
        if (!TryScan(requestId, partition, journal, filter!, request.Offset, maxBytes, out var scan)) return;
        if (scan.Ranges > 0 || !scan.ReachedEnd || request.MaxWaitMs == 0)
        {
            EnqueueScan(requestId, scan);
            return;
        }
        BatchBuffers.Pool.Return(scan.Frame);
        _ = FilteredLongPollAsync(requestId, partition, journal, filter!, scan.NextOffset, maxBytes, TimeSpan.FromMilliseconds(request.MaxWaitMs));
    }

    // The slow path: the log end was reached without a match. Each append wakes the poll to scan what was added;
    // it answers at the first match, or with no ranges and the offset it got to when the wait ends.
    private async Task FilteredLongPollAsync(uint requestId, Partition partition, PartitionJournal journal, MessageFilter filter,
        long next, int maxBytes, TimeSpan wait)
    {
        try
        {
            long began = _broker.Time.GetTimestamp();
            while (true)
            {
                // Register before re-checking the end, so a commit in between is never missed (as Fetch's long poll).
                var signal = partition.Signal;
                signal.AddWaiter();
                if (journal.CommittedEndOffset <= next)
                {
                    var left = wait - _broker.Time.GetElapsedTime(began);
                    if (left > TimeSpan.Zero)
                    {
                        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
                        var delay = Task.Delay(left, _broker.Time, deadline.Token);
                        await Task.WhenAny(signal.Task, delay).ConfigureAwait(false);
                        deadline.Cancel();
                    }
                    if (journal.CommittedEndOffset <= next)
                    {
                        // Nothing was appended: the wait ran out, the connection closed or the partition stopped.
                        if (_broker.Stopping.IsCancellationRequested)
                            Fail(requestId, ErrorCode.ShuttingDown, "the broker is stopping");
                        else if (TryScan(requestId, partition, journal, filter, next, maxBytes, out var empty))
                            EnqueueScan(requestId, empty);
                        return;
                    }
                }

                if (!TryScan(requestId, partition, journal, filter, next, maxBytes, out var scan)) return;
                if (scan.Ranges > 0 || !scan.ReachedEnd || _broker.Time.GetElapsedTime(began) >= wait)
                {
                    EnqueueScan(requestId, scan);
                    return;
                }
                next = scan.NextOffset;
                BatchBuffers.Pool.Return(scan.Frame);
            }
        }
        catch (ObjectDisposedException)
        {
            // The session was torn down while waiting; nobody is left to answer.
        }
        catch (Exception ex)
        {
            FaultWaiting(Opcode.FetchFiltered, requestId, ex);
        }
    }

    private bool TryScan(uint requestId, Partition partition, PartitionJournal journal, MessageFilter filter, long offset, int maxBytes,
        out FilteredScanResult scan)
    {
        try
        {
            long nowMs = _broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
            scan = FilteredScan.Run(journal, offset, filter, nowMs, maxBytes, _broker.Limits.MaxFrameBytes, requestId);
            return true;
        }
        catch (Exception ex) when (ex is JournalCorruptedException or IOException or ObjectDisposedException or ArgumentOutOfRangeException)
        {
            SessionLog.FetchFailed(_logger, ConnectionId, partition.Topic, partition.Index, ex);
            string message = $"fetch from {partition.Topic}/{partition.Index} failed: {ex.Message}";
            if (ex is ArgumentOutOfRangeException)
                FailOutOfRange(requestId, message, journal.StartOffset, journal.CommittedEndOffset);
            else
                Fail(requestId, ex is ObjectDisposedException ? ErrorCode.UnknownTopic : ErrorCode.StorageError, message);
            scan = default;
            return false;
        }
    }

    private void EnqueueScan(uint requestId, in FilteredScanResult scan)
    {
        if (!Enqueue(new Outbound(OutboundKind.Frame, Opcode.FetchFiltered, requestId, Length: scan.Length, Data: scan.Frame), answersRequest: true))
            BatchBuffers.Pool.Return(scan.Frame);
    }
}
