using System.Runtime.CompilerServices;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Filters;
using FastBroker.Wire.Messages;

namespace FastBroker.ClientLite;

public sealed partial class BrokerConnection
{
    /// <summary>
    /// Reads, from <paramref name="offset"/> on, only the records that match <paramref name="filter"/> (PROTOCOL.md
    /// sections 5.8.1 and 14), tested by the broker. The result's ranges list the matching offsets and its batches hold
    /// them, whole as stored, so they may also hold records outside the ranges, which a reader must skip. Expired
    /// messages never match. Continue at <see cref="FetchResult.NextOffset"/>, which moves past records that did not
    /// match even when none did. When the broker reaches the log end without a match it waits up to
    /// <paramref name="maxWait"/> for one. An invalid filter fails with <see cref="ErrorCode.InvalidArgument"/>, its
    /// message saying what is wrong. Dispose the result to return its buffer to the pool.
    /// </summary>
    public ValueTask<FetchResult> FetchFilteredAsync(string topic, int partition, long offset, string filter, int maxBytes, TimeSpan maxWait,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        uint waitMs = (uint)Math.Clamp((long)maxWait.TotalMilliseconds, 0, Protocol.MaxFetchWaitMs);
        Span<byte> name = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        Span<byte> text = EncodeName(filter, stackalloc byte[MessageFilter.MaxBytes], nameof(filter));
        var pending = BeginRequest(Opcode.FetchFiltered, TimeSpan.FromMilliseconds(waitMs), cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteFetchFiltered(_writeBuffer, pending.Id, name, partition, offset, maxBytes, waitMs, text); }
            finally { EndWrite(); }
        }
        return CompleteFetchFilteredAsync(pending);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FetchResult> CompleteFetchFilteredAsync(PendingRequest pending)
    {
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            if (!FetchFilteredResponse.TryParse(pending.BodySpan, out var response))
                throw ProtocolViolation("a FetchFiltered response shorter than its ranges");
            int length = pending.BodyLength;
            int ranges = response.RangeCount;
            return new FetchResult(pending.TakeBody()!, length, response.LogStartOffset, response.LogEndOffset,
                FetchFilteredResponse.PrefixSize + ranges * FetchRange.Size, response.NextOffset, ranges);
        }
        finally
        {
            Release(pending);
        }
    }
}
