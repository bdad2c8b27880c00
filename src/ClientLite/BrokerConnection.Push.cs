using System.Buffers;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.ClientLite;

public sealed partial class BrokerConnection
{
    // Live push subscriptions by push id (the request id of their Subscribe). Guarded by _pendingLock, like the
    // pending table, so an id is never both handed to a new request and routed to a subscription.
    private readonly Dictionary<uint, PushSubscription> _pushes = [];

    /// <summary>Registers <paramref name="push"/> under a fresh push id and queues its Subscribe.</summary>
    internal PendingRequest StartSubscribe(PushSubscription push, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> subscription,
        uint credit, uint visibilityMs, CancellationToken cancellationToken)
    {
        var pending = BeginRequest(Opcode.Subscribe, TimeSpan.Zero, cancellationToken, push);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteSubscribe(_writeBuffer, pending.Id, topic, subscription, credit, visibilityMs); }
            finally { EndWrite(); }
        }
        return pending;
    }

    /// <summary>Queues a Credit for push id <paramref name="pushId"/>; the caller awaits and releases the request.</summary>
    internal PendingRequest StartCredit(uint pushId, uint credit)
    {
        var pending = BeginRequest(Opcode.Credit, TimeSpan.Zero, CancellationToken.None);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteCredit(_writeBuffer, pending.Id, pushId, credit); }
            finally { EndWrite(); }
        }
        return pending;
    }

    /// <summary>Sends Unsubscribe for <paramref name="pushId"/> and waits for the answer, after which no Deliver frame follows.</summary>
    internal ValueTask UnsubscribeAsync(uint pushId)
    {
        var pending = BeginRequest(Opcode.Unsubscribe, TimeSpan.Zero, CancellationToken.None);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteUnsubscribe(_writeBuffer, pending.Id, pushId); }
            finally { EndWrite(); }
        }
        return CompleteEmptyAsync(pending);
    }

    /// <summary>Stops routing Deliver frames of <paramref name="push"/>'s id to it.</summary>
    internal void RemovePush(PushSubscription push)
    {
        lock (_pendingLock)
        {
            if (_pushes.TryGetValue(push.PushId, out var current) && current == push)
                _pushes.Remove(push.PushId);
        }
    }

    /// <summary>Hands a Deliver frame to its push subscription; returns the reason to close when it is malformed.</summary>
    private Exception? DispatchPush(FrameHeader header, ReadOnlySequence<byte> body)
    {
        if (header.Opcode != Opcode.Deliver)
            return ProtocolViolation($"a pushed {header.Opcode} frame");
        PushSubscription? push;
        lock (_pendingLock)
            _pushes.TryGetValue(header.RequestId, out push);
        if (push is null)
            return null; // a subscription already given up; its messages come back when their lease runs out

        if (body.IsSingleSegment)
            return push.OnDeliver(body.FirstSpan) ? null : ProtocolViolation("a malformed Deliver frame");
        var copy = ArrayPool<byte>.Shared.Rent(header.BodyLength);
        try
        {
            body.CopyTo(copy);
            return push.OnDeliver(copy.AsSpan(0, header.BodyLength)) ? null : ProtocolViolation("a malformed Deliver frame");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Ends a push subscription (already removed from the table) with the error frame in <paramref name="body"/>.</summary>
    private Exception? EndPush(PushSubscription push, ReadOnlySequence<byte> body)
    {
        if (!TryReadError(body, out var error))
        {
            var violation = ProtocolViolation("a malformed error frame");
            push.End(violation);
            return violation;
        }
        push.End(error);
        return null;
    }
}
