using System.Text;
using System.Text.Unicode;
using FastBroker.Server.Subscriptions;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Filters;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Sessions;

internal sealed partial class Session
{
    // Subscriptions this connection has received from: everything still in flight to it is released when it closes.
    private readonly List<SharedSubscription> _receivedFrom = [];

    private ValueTask<bool> CreateSubscriptionAsync(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!CreateSubscriptionRequest.TryParse(body, out var request)) return Malformed(requestId, "malformed create-subscription request");
        if (!TryCheckTopicName(requestId, request.Topic)
            || !TryDecodeName(requestId, request.Subscription, "subscription", out string name)
            || !TryDecodeName(requestId, request.DeadLetterTopic, "dead-letter topic", out string dlq, allowEmpty: true))
            return new ValueTask<bool>(true);
        // The default dead-letter name is a name too, so it is checked with the others, before any lookup.
        if (dlq.Length == 0 && !TopicName.IsValid(SubscriptionSettings.DefaultDeadLetterTopic(Encoding.ASCII.GetString(request.Topic), name)))
        {
            Fail(requestId, ErrorCode.InvalidTopicName, $"the default dead-letter topic name for '{name}' would be longer than {Protocol.MaxTopicNameBytes} bytes; name one");
            return new ValueTask<bool>(true);
        }
        if (!TryResolveSubscriptions(requestId, request.Topic, out var subscriptions)) return new ValueTask<bool>(true);
        if ((request.Options & ~SubscriptionSettings.KnownOptions) != 0)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"unknown subscription options 0x{request.Options:x2}: only bit 0 (dead-letter expired messages) and bit 1 (key ordering) are defined");
            return new ValueTask<bool>(true);
        }
        if (!TryDecodeFilter(requestId, request.Filter, out string filter)) return new ValueTask<bool>(true);
        if (request.Start.Validate() is { } badStart)
        {
            Fail(requestId, ErrorCode.InvalidArgument, badStart);
            return new ValueTask<bool>(true);
        }
        var settings = new SubscriptionSettings(request.VisibilityTimeoutMs, request.MaxDeliveries, dlq, request.MaxInFlight, request.AckMode)
        {
            Filter = filter,
        }.WithOptions(request.Options);
        return CreateSubscriptionAsync(requestId, subscriptions, name, settings, request.Start);
    }

    private async ValueTask<bool> CreateSubscriptionAsync(uint requestId, SubscriptionSet subscriptions, string name, SubscriptionSettings settings,
        SubscriptionStart start)
    {
        ErrorCode code;
        string message;
        try
        {
            (code, message) = await subscriptions.CreateAsync(name, settings, start).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The set answers the failures it expects; this keeps any other storage error an answer, not a disconnect.
            (code, message) = (ErrorCode.StorageError, $"could not create subscription '{name}': {ex.Message}");
        }
        Answer(requestId, Opcode.CreateSubscription, code, message);
        return true;
    }

    private ValueTask<bool> DeleteSubscriptionAsync(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!SubscriptionRequest.TryParse(body, out var request)) return Malformed(requestId, "malformed delete-subscription request");
        if (!TryCheckTopicName(requestId, request.Topic)
            || !TryDecodeName(requestId, request.Subscription, "subscription", out string name)
            || !TryResolveSubscriptions(requestId, request.Topic, out var subscriptions))
            return new ValueTask<bool>(true);
        return DeleteSubscriptionAsync(requestId, subscriptions, name);
    }

    private async ValueTask<bool> DeleteSubscriptionAsync(uint requestId, SubscriptionSet subscriptions, string name)
    {
        ErrorCode code;
        string message;
        try
        {
            (code, message) = await subscriptions.DeleteAsync(name).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            (code, message) = (ErrorCode.StorageError, $"deleting subscription '{name}' failed: {ex.Message}");
        }
        Answer(requestId, Opcode.DeleteSubscription, code, message);
        return true;
    }

    private ValueTask<bool> ResetSubscriptionAsync(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!ResetSubscriptionRequest.TryParse(body, out var request)) return Malformed(requestId, "malformed reset-subscription request");
        if (!TryCheckTopicName(requestId, request.Topic)
            || !TryDecodeName(requestId, request.Subscription, "subscription", out string name)
            || !TryResolveSubscriptions(requestId, request.Topic, out var subscriptions))
            return new ValueTask<bool>(true);
        if (!subscriptions.TryGet(request.Subscription, out _))
        {
            Fail(requestId, ErrorCode.UnknownSubscription, $"unknown subscription '{name}' on topic '{subscriptions.Topic.Name}'");
            return new ValueTask<bool>(true);
        }
        if (request.Start.Validate() is { } badStart)
        {
            Fail(requestId, ErrorCode.InvalidArgument, badStart);
            return new ValueTask<bool>(true);
        }
        return ResetSubscriptionAsync(requestId, subscriptions, name, request.Start);
    }

    private async ValueTask<bool> ResetSubscriptionAsync(uint requestId, SubscriptionSet subscriptions, string name, SubscriptionStart start)
    {
        var (code, message, partitions) = await subscriptions.ResetAsync(name, start).ConfigureAwait(false);
        if (code == ErrorCode.None) Enqueue(new Outbound(OutboundKind.ResetSubscription, Opcode.ResetSubscription, requestId, Data: partitions));
        else Fail(requestId, code, message);
        return true;
    }

    private void SubscriptionStats(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!SubscriptionRequest.TryParse(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed subscription-stats request");
            return;
        }
        if (!TryResolveSubscription(requestId, request.Topic, request.Subscription, out var subscription)) return;
        if (subscription.Failure is { } failure)
        {
            Fail(requestId, ErrorCode.StorageError, failure);
            return;
        }
        Enqueue(new Outbound(OutboundKind.SubscriptionStats, Opcode.SubscriptionStats, requestId, Data: subscription.Stats()));
    }

    private void Receive(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!ReceiveRequest.TryParse(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, "malformed receive request");
            return;
        }
        if (!TryResolveSubscription(requestId, request.Topic, request.Subscription, out var subscription)) return;
        if (request.MaxMessages is 0 or > Protocol.MaxReceiveMessages)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"max messages must be 1..{Protocol.MaxReceiveMessages}, not {request.MaxMessages}");
            return;
        }
        if (request.MaxWaitMs > Protocol.MaxReceiveWaitMs)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"max wait {request.MaxWaitMs} ms exceeds {Protocol.MaxReceiveWaitMs} ms");
            return;
        }
        if (request.VisibilityTimeoutMs > Protocol.MaxVisibilityTimeoutMs)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"visibility timeout {request.VisibilityTimeoutMs} ms exceeds {Protocol.MaxVisibilityTimeoutMs} ms");
            return;
        }
        NoteReceivedFrom(subscription);

        var delivery = new DeliveryAsk(subscription, (int)request.MaxMessages, MaxBytes(request.MaxBytes),
            request.VisibilityTimeoutMs == 0 ? subscription.Settings.VisibilityTimeoutMs : request.VisibilityTimeoutMs, Opcode.Receive, FrameFlags.Response, requestId);
        if (TryDeliver(delivery)) return;
        if (request.MaxWaitMs == 0)
            Enqueue(new Outbound(OutboundKind.EmptyDelivery, Opcode.Receive, requestId));
        else
            _ = ReceiveLaterAsync(delivery, _broker.Time.GetUtcNow().AddMilliseconds(request.MaxWaitMs));
    }

    private int MaxBytes(uint asked) => asked == 0 ? _broker.Limits.MaxFrameBytes : (int)Math.Min(asked, (uint)_broker.Limits.MaxFrameBytes);

    private bool TryDeliver(in DeliveryAsk ask)
    {
        if (!ask.Subscription.TryDeliver(ConnectionId, ask.MaxMessages, ask.MaxBytes, ask.VisibilityMs, ask.Opcode, ask.Flags, ask.RequestId, out var frame))
            return false;
        SendDelivery(ask, frame);
        return true;
    }

    private void SendDelivery(in DeliveryAsk ask, in DeliveryFrame frame)
    {
        if (ask.Subscription.Settings.AckMode == AckMode.None)
            ask.Subscription.CompleteWhenDurable(new DurableDelivery(this, frame), ask.RequestId, ask.Opcode, 0);
        else
            EnqueueFrame(ask.Opcode, ask.RequestId, frame, ask.Subscription);
    }

    /// <summary>Queues a delivery frame. When the connection has closed meanwhile, the buffer goes back to the pool
    /// and the messages in it are released at once rather than after their timeout.</summary>
    public void EnqueueFrame(Opcode opcode, uint requestId, in DeliveryFrame frame, SharedSubscription? releaseOnClosed)
    {
        // A Receive's delivery answers its request; a push Deliver does not.
        var item = new Outbound(OutboundKind.Frame, opcode, requestId, Length: frame.Length, Data: frame.Buffer);
        if (Enqueue(item, answersRequest: opcode != Opcode.Deliver)) return;
        BatchBuffers.Pool.Return(frame.Buffer);
        releaseOnClosed?.Release(ConnectionId);
    }

    public void FailRequest(uint requestId, ErrorCode code, string message) => Fail(requestId, code, message);

    private async Task ReceiveLaterAsync(DeliveryAsk ask, DateTimeOffset deadline)
    {
        try
        {
            var closing = _closing.Token;
            while (!closing.IsCancellationRequested)
            {
                await ask.Subscription.WaitAsync(deadline, closing).ConfigureAwait(false);
                if (closing.IsCancellationRequested) break;
                // The broker stops its connections before its subscriptions, so closed here means deleted.
                if (ask.Subscription.IsClosed)
                {
                    Fail(ask.RequestId, ErrorCode.UnknownSubscription,
                        $"subscription '{ask.Subscription.Name}' on topic '{ask.Subscription.TopicName}' was deleted while the receive waited");
                    return;
                }
                if (TryDeliver(ask)) return;
                if (_broker.Time.GetUtcNow() >= deadline) break;
            }
            if (_broker.Stopping.IsCancellationRequested)
                Fail(ask.RequestId, ErrorCode.ShuttingDown, "the broker is stopping");
            else
                Enqueue(new Outbound(OutboundKind.EmptyDelivery, Opcode.Receive, ask.RequestId));
        }
        catch (ObjectDisposedException)
        {
            // The session was torn down while waiting; nobody is left to answer.
        }
        catch (Exception ex)
        {
            FaultWaiting(Opcode.Receive, ask.RequestId, ex);
        }
    }

    private void Settle(Opcode opcode, uint requestId, ReadOnlySpan<byte> body)
    {
        if (!SettleRequest.TryParse(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, $"malformed {opcode} request");
            return;
        }
        if (!TryResolveSubscription(requestId, request.Topic, request.Subscription, out var subscription)) return;
        uint limit = opcode == Opcode.Nack ? Protocol.MaxNackDelayMs : Protocol.MaxVisibilityTimeoutMs;
        if ((opcode == Opcode.Ack && request.Argument != 0) || request.Argument > limit || (opcode == Opcode.Extend && request.Argument == 0))
        {
            Fail(requestId, ErrorCode.InvalidArgument, opcode switch
            {
                Opcode.Ack => "the ack argument must be 0",
                Opcode.Nack => $"nack delay must be 0..{limit} ms, not {request.Argument}",
                _ => $"visibility timeout must be 1..{limit} ms, not {request.Argument}",
            });
            return;
        }

        // Check every offset first, so a bad one fails the request before any range is applied.
        var check = request.Ranges;
        while (check.TryReadNext(out var range))
        {
            if (range.First < 0)
            {
                Fail(requestId, ErrorCode.InvalidArgument, $"offset {range.First} is negative");
                return;
            }
        }

        // Ranges on partitions the topic does not have are skipped like any other message that is not there
        // (PROTOCOL.md section 5.16): they never cost the valid ranges of the same request.
        int applied = 0;
        var ranges = request.Ranges;
        while (ranges.TryReadNext(out var range))
        {
            if ((uint)range.Partition >= (uint)subscription.PartitionCount) continue;
            applied += opcode switch
            {
                Opcode.Ack => subscription.Ack(range),
                Opcode.Nack => subscription.Nack(range, ConnectionId, request.Argument),
                _ => subscription.Extend(range, ConnectionId, request.Argument),
            };
        }
        if (opcode == Opcode.Ack) subscription.CompleteWhenDurable(this, requestId, opcode, applied);
        else Enqueue(new Outbound(OutboundKind.Settle, opcode, requestId, Value: applied));
    }

    void ISettleCompletion.SettleDurable(uint requestId, Opcode opcode, uint applied)
        => Enqueue(new Outbound(OutboundKind.Settle, opcode, requestId, Value: applied));

    void ISettleCompletion.SettleFailed(uint requestId, ErrorCode code, string message) => Fail(requestId, code, message);

    private void NoteReceivedFrom(SharedSubscription subscription)
    {
        lock (_receivedFrom)
        {
            foreach (var known in _receivedFrom)
                if (ReferenceEquals(known, subscription)) return;
            _receivedFrom.Add(subscription);
        }
    }

    private void ReleaseDeliveries()
    {
        lock (_receivedFrom)
        {
            foreach (var subscription in _receivedFrom) subscription.Release(ConnectionId);
            _receivedFrom.Clear();
        }
    }

    private bool TryResolveTopic(uint requestId, ReadOnlySpan<byte> topicName, out Topic topic)
    {
        if (_broker.Topics.TryGet(topicName, out topic) && !topic.Deleted) return true;
        if (TopicName.IsValid(topicName))
            Fail(requestId, ErrorCode.UnknownTopic, $"unknown topic '{Encoding.ASCII.GetString(topicName)}'");
        else
            Fail(requestId, ErrorCode.InvalidTopicName, "invalid topic name: use 1-249 characters of [A-Za-z0-9._-]");
        return false;
    }

    // A topic being deleted has left the subscription registry before its partitions stop: it is unknown here too.
    private bool TryResolveSubscriptions(uint requestId, ReadOnlySpan<byte> topicName, out SubscriptionSet subscriptions)
    {
        subscriptions = null!;
        if (!TryResolveTopic(requestId, topicName, out var topic)) return false;
        if (_broker.Subscriptions.TryGet(topic, out subscriptions)) return true;
        Fail(requestId, ErrorCode.UnknownTopic, $"unknown topic '{topic.Name}'");
        return false;
    }

    private bool TryResolveSubscription(uint requestId, ReadOnlySpan<byte> topicName, ReadOnlySpan<byte> name, out SharedSubscription subscription)
    {
        subscription = null!;
        if (!TryCheckTopicName(requestId, topicName) || !TryCheckName(requestId, name, "subscription")) return false;
        if (!TryResolveSubscriptions(requestId, topicName, out var subscriptions)) return false;
        if (subscriptions.TryGet(name, out subscription) && !subscription.IsClosed) return true;
        Fail(requestId, ErrorCode.UnknownSubscription,
            $"unknown subscription '{Encoding.UTF8.GetString(name)}' on topic '{subscriptions.Topic.Name}'");
        return false;
    }

    private bool TryDecodeName(uint requestId, ReadOnlySpan<byte> utf8, string what, out string name, bool allowEmpty = false)
    {
        name = "";
        if (allowEmpty && utf8.IsEmpty) return true;
        if (!TryCheckName(requestId, utf8, what)) return false;
        name = Encoding.ASCII.GetString(utf8);
        return true;
    }

    // The filter's length is checked before it is decoded; its grammar is checked with the other settings.
    private bool TryDecodeFilter(uint requestId, ReadOnlySpan<byte> utf8, out string filter)
    {
        filter = "";
        if (utf8.IsEmpty) return true;
        if (utf8.Length > MessageFilter.MaxBytes)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"invalid filter: a filter may be at most {MessageFilter.MaxBytes} bytes, not {utf8.Length}");
            return false;
        }
        if (!Utf8.IsValid(utf8))
        {
            Fail(requestId, ErrorCode.InvalidArgument, "invalid filter: it is not valid UTF-8");
            return false;
        }
        filter = Encoding.UTF8.GetString(utf8);
        return true;
    }

    private bool TryCheckTopicName(uint requestId, ReadOnlySpan<byte> utf8) => TryCheckName(requestId, utf8, "topic");

    // Topic, subscription and dead-letter names share the topic-name rules (PROTOCOL.md section 10); being ASCII,
    // a name that passes is also valid UTF-8.
    private bool TryCheckName(uint requestId, ReadOnlySpan<byte> utf8, string what)
    {
        if (TopicName.IsValid(utf8)) return true;
        Fail(requestId, ErrorCode.InvalidTopicName, $"invalid {what} name: use 1-{Protocol.MaxTopicNameBytes} characters of [A-Za-z0-9._-]");
        return false;
    }
}
