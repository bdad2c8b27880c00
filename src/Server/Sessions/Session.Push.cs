using FastBroker.Server.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Sessions;

internal sealed partial class Session
{
    private readonly Dictionary<uint, PushConsumer> _pushes = new();

    private void Subscribe(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!SubscribeRequest.TryParse(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed subscribe request");
            return;
        }
        if (!TryResolveSubscription(requestId, request.Topic, request.Subscription, out var subscription)) return;
        if (request.Credit > Protocol.MaxCredit)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"credit {request.Credit} exceeds {Protocol.MaxCredit}");
            return;
        }
        if (request.VisibilityTimeoutMs > Protocol.MaxVisibilityTimeoutMs)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"visibility timeout {request.VisibilityTimeoutMs} ms exceeds {Protocol.MaxVisibilityTimeoutMs} ms");
            return;
        }
        lock (_pushes)
        {
            if (_pushes.ContainsKey(requestId))
            {
                Fail(requestId, ErrorCode.InvalidArgument, $"push id {requestId} is already in use on this connection");
                return;
            }
            NoteReceivedFrom(subscription);
            long visibility = request.VisibilityTimeoutMs == 0 ? subscription.Settings.VisibilityTimeoutMs : request.VisibilityTimeoutMs;
            PushConsumer? consumer = null;
            consumer = new PushConsumer(subscription, requestId, request.Credit, visibility, ask => DeliverPush(consumer!, ask),
                _output, _broker.Time, _closing.Token);
            _pushes[requestId] = consumer;
            // The Subscribe response goes out before the loop can queue a delivery.
            Enqueue(new Outbound(OutboundKind.Empty, Opcode.Subscribe, requestId));
            Interlocked.Increment(ref _livePushes);
            subscription.PushAttached();
            consumer.Start();
            _ = EndWhenStoppedAsync(consumer);
        }
    }

    private bool DeliverPush(PushConsumer consumer, DeliveryAsk ask)
    {
        if (!ask.Subscription.TryDeliver(ConnectionId, ask.MaxMessages, ask.MaxBytes, ask.VisibilityMs, ask.Opcode, ask.Flags, ask.RequestId, out var frame))
            return false;
        consumer.Spend(frame.Messages);
        SendDelivery(ask, frame);
        return true;
    }

    // A push that ends on its own (its subscription was deleted) tells the client with an error on its push id.
    private async Task EndWhenStoppedAsync(PushConsumer consumer)
    {
        await consumer.Loop.ConfigureAwait(false);
        consumer.Subscription.PushDetached();
        bool wasLive;
        lock (_pushes)
        {
            wasLive = _pushes.TryGetValue(consumer.PushId, out var current) && ReferenceEquals(current, consumer);
            if (wasLive) _pushes.Remove(consumer.PushId);
        }
        if (consumer.EndedBecause is { } reason) FailPush(consumer.PushId, ErrorCode.UnknownSubscription, reason);
        else if (wasLive && _broker.Stopping.IsCancellationRequested) FailPush(consumer.PushId, ErrorCode.ShuttingDown, "the broker is stopping");
        Interlocked.Decrement(ref _livePushes);
        if (Volatile.Read(ref _draining) != 0) SignalIfDrained();
    }

    private void Credit(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!CreditRequest.TryParseCredit(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed credit request");
            return;
        }
        PushConsumer? consumer;
        lock (_pushes) _pushes.TryGetValue(request.PushId, out consumer);
        if (consumer is null)
        {
            Fail(requestId, ErrorCode.UnknownSubscription, $"no push subscription {request.PushId} on this connection");
            return;
        }
        if (!consumer.TryAddCredit(request.Credit))
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"credit would exceed {Protocol.MaxCredit}");
            return;
        }
        Enqueue(new Outbound(OutboundKind.Empty, Opcode.Credit, requestId));
    }

    private ValueTask<bool> UnsubscribeAsync(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!CreditRequest.TryParseUnsubscribe(body, out var request)) return Malformed(requestId, "malformed unsubscribe request");
        PushConsumer? consumer;
        lock (_pushes) _pushes.Remove(request.PushId, out consumer);
        if (consumer is null)
        {
            Fail(requestId, ErrorCode.UnknownSubscription, $"no push subscription {request.PushId} on this connection");
            return new ValueTask<bool>(true);
        }
        consumer.Stop();
        return UnsubscribedAsync(requestId, consumer);
    }

    private async ValueTask<bool> UnsubscribedAsync(uint requestId, PushConsumer consumer)
    {
        // Every delivery the loop queued is ahead of this response; none can follow it.
        await consumer.Loop.ConfigureAwait(false);
        Enqueue(new Outbound(OutboundKind.Empty, Opcode.Unsubscribe, requestId));
        return true;
    }

    private void StopPushes()
    {
        lock (_pushes)
        {
            foreach (var consumer in _pushes.Values) consumer.Stop();
            _pushes.Clear();
        }
    }
}
