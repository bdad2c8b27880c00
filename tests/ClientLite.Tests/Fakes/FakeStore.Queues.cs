using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Tests.Fakes;

internal sealed partial class FakeStore
{
    private readonly Dictionary<(string Topic, string Name), FakeSubscription> _subscriptions = [];
    private readonly List<FakePush> _pushes = [];
    private readonly HashSet<int> _closed = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Most messages one Deliver frame carries.</summary>
    public int MaxPerDelivery { get; set; } = 1000;

    /// <summary>Whether the last CreateSubscription carried the optional filter and options fields.</summary>
    public bool LastCreateHadFilterFields { get; private set; }

    public FakeSubscription Subscription(string topic, string name)
    {
        lock (_lock)
            return _subscriptions[(topic, name)];
    }

    /// <summary>Every push subscription ever started, live or not.</summary>
    public IReadOnlyList<FakePush> Pushes
    {
        get
        {
            lock (_lock)
                return [.. _pushes];
        }
    }

    /// <summary>Runs <paramref name="action"/> under the store's lock, for reading a subscription's state consistently.</summary>
    public T Inspect<T>(Func<T> action)
    {
        lock (_lock)
            return action();
    }

    /// <summary>Deliver frames every live push subscription may get now, by connection.</summary>
    public List<(int Connection, byte[] Frame)> Pump()
    {
        var frames = new List<(int, byte[])>();
        lock (_lock)
        {
            var now = Time.GetUtcNow();
            foreach (var push in _pushes)
            {
                while (push.Active && push.Credit > 0)
                {
                    var taken = push.Subscription.Take(push.Connection, push, (int)Math.Min(push.Credit, MaxPerDelivery), push.VisibilityMs, now);
                    if (taken.Count == 0)
                        break;
                    push.OnDelivered(taken.Count);
                    frames.Add((push.Connection, Delivery(push.Subscription, Opcode.Deliver, FrameFlags.Response | FrameFlags.Push, push.PushId, taken)));
                }
            }
        }
        return frames;
    }

    public void ConnectionClosed(int connection)
    {
        lock (_lock)
        {
            _closed.Add(connection);
            foreach (var subscription in _subscriptions.Values)
                subscription.Release(connection);
            foreach (var push in _pushes)
            {
                if (push.Connection == connection)
                    push.Active = false;
            }
            SignalChangedLocked();
        }
    }

    private void SignalChangedLocked()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    private Task<byte[]>? ProcessQueueLocked(int connection, FrameHeader header, byte[] body)
    {
        uint id = header.RequestId;
        var now = Time.GetUtcNow();
        switch (header.Opcode)
        {
            case Opcode.CreateSubscription when CreateSubscriptionRequest.TryParse(body, out var create):
            {
                string topic = Frames.Utf8(create.Topic), name = Frames.Utf8(create.Subscription);
                if (!_topics.TryGetValue(topic, out var partitions))
                    return Done(UnknownTopic(id, topic));
                if (_subscriptions.ContainsKey((topic, name)))
                    return Done(Frames.Error(id, ErrorCode.SubscriptionExists, $"subscription '{name}' exists on '{topic}'"));
                string dlq = create.DeadLetterTopic.Length > 0 ? Frames.Utf8(create.DeadLetterTopic) : SubscriptionSettings.DefaultDeadLetterTopic(topic, name);
                var settings = new SubscriptionSettings(create.VisibilityTimeoutMs, create.MaxDeliveries, dlq, create.MaxInFlight, create.AckMode)
                {
                    Filter = Frames.Utf8(create.Filter),
                }.WithOptions(create.Options);
                LastCreateHadFilterFields = create.HasFilterFields;
                if (settings.Validate() is { } problem)
                    return Done(Frames.Error(id, ErrorCode.InvalidArgument, problem));
                _subscriptions.Add((topic, name), new FakeSubscription(topic, name, partitions, settings));
                return Done(Empty(Opcode.CreateSubscription, id));
            }
            case Opcode.DeleteSubscription when SubscriptionRequest.TryParse(body, out var delete):
                return Done(_subscriptions.Remove((Frames.Utf8(delete.Topic), Frames.Utf8(delete.Subscription)))
                    ? Empty(Opcode.DeleteSubscription, id)
                    : UnknownSubscription(id));
            case Opcode.SubscriptionStats when SubscriptionRequest.TryParse(body, out var named):
            {
                if (!_subscriptions.TryGetValue((Frames.Utf8(named.Topic), Frames.Utf8(named.Subscription)), out var subscription))
                    return Done(UnknownSubscription(id));
                var stats = subscription.Stats(now);
                return Done(Frames.Encode(w => FrameWriter.WriteSubscriptionStatsResponse(w, id, stats)));
            }
            case Opcode.Receive when ReceiveRequest.TryParse(body, out var receive):
            {
                if (!_subscriptions.TryGetValue((Frames.Utf8(receive.Topic), Frames.Utf8(receive.Subscription)), out var subscription))
                    return Done(UnknownSubscription(id));
                if (receive.MaxMessages is 0 or > Protocol.MaxReceiveMessages || receive.MaxWaitMs > Protocol.MaxReceiveWaitMs)
                    return Done(Frames.Error(id, ErrorCode.InvalidArgument, "receive out of range"));
                var taken = subscription.Take(connection, null, (int)receive.MaxMessages, receive.VisibilityTimeoutMs, now);
                if (taken.Count > 0 || receive.MaxWaitMs == 0)
                    return Done(Delivery(subscription, Opcode.Receive, FrameFlags.Response, id, taken));
                return LongPollReceiveAsync(connection, subscription, id, (int)receive.MaxMessages, receive.VisibilityTimeoutMs, TimeSpan.FromMilliseconds(receive.MaxWaitMs));
            }
            case Opcode.Ack or Opcode.Nack or Opcode.Extend when SettleRequest.TryParse(body, out var settle):
            {
                if (!_subscriptions.TryGetValue((Frames.Utf8(settle.Topic), Frames.Utf8(settle.Subscription)), out var subscription))
                    return Done(UnknownSubscription(id));
                var ranges = new List<OffsetRange>();
                var reader = settle.Ranges;
                while (reader.TryReadNext(out var range))
                    ranges.Add(range);
                uint applied = header.Opcode switch
                {
                    Opcode.Ack => subscription.Ack(connection, ranges),
                    Opcode.Nack => subscription.Nack(connection, ranges, settle.Argument, now),
                    _ => subscription.Extend(connection, ranges, settle.Argument, now),
                };
                if (header.Opcode == Opcode.Nack)
                    SignalChangedLocked();
                return Done(Frames.Encode(w => FrameWriter.WriteSettleResponse(w, header.Opcode, id, applied)));
            }
            case Opcode.Subscribe when SubscribeRequest.TryParse(body, out var subscribe):
            {
                if (!_subscriptions.TryGetValue((Frames.Utf8(subscribe.Topic), Frames.Utf8(subscribe.Subscription)), out var subscription))
                    return Done(UnknownSubscription(id));
                if (subscribe.Credit > Protocol.MaxCredit)
                    return Done(Frames.Error(id, ErrorCode.InvalidArgument, "credit above the limit"));
                var push = new FakePush(connection, id, subscription, subscribe.VisibilityTimeoutMs);
                push.Grant(subscribe.Credit);
                _pushes.Add(push);
                return Done(Empty(Opcode.Subscribe, id));
            }
            case Opcode.Credit when CreditRequest.TryParseCredit(body, out var credit):
            {
                var push = LivePush(connection, credit.PushId);
                if (push is null)
                    return Done(UnknownSubscription(id));
                if (push.Credit + credit.Credit > Protocol.MaxCredit)
                    return Done(Frames.Error(id, ErrorCode.InvalidArgument, "credit above the limit"));
                push.Grant(credit.Credit);
                return Done(Empty(Opcode.Credit, id));
            }
            case Opcode.Unsubscribe when CreditRequest.TryParseUnsubscribe(body, out var unsubscribe):
            {
                var push = LivePush(connection, unsubscribe.PushId);
                if (push is null)
                    return Done(UnknownSubscription(id));
                push.Active = false;
                return Done(Empty(Opcode.Unsubscribe, id));
            }
            default:
                return null;
        }
    }

    private async Task<byte[]> LongPollReceiveAsync(int connection, FakeSubscription subscription, uint id, int max, uint visibilityMs, TimeSpan wait)
    {
        var deadline = Task.Delay(wait, Time);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                // A receive of a connection that closed meanwhile must not take messages nobody will get.
                if (_closed.Contains(connection))
                    return [];
                var taken = subscription.Take(connection, null, max, visibilityMs, Time.GetUtcNow());
                if (taken.Count > 0 || deadline.IsCompleted)
                    return Delivery(subscription, Opcode.Receive, FrameFlags.Response, id, taken);
                changed = _changed.Task;
            }
            await Task.WhenAny(changed, deadline);
        }
    }

    private FakePush? LivePush(int connection, uint pushId)
        => _pushes.Find(p => p.Active && p.Connection == connection && p.PushId == pushId);

    /// <summary>A delivery frame: per partition, ranges of consecutive offsets sharing a delivery count, and every stored batch holding one.</summary>
    private static byte[] Delivery(FakeSubscription subscription, Opcode opcode, FrameFlags flags, uint id, List<(int Partition, long Offset, ushort DeliveryCount)> taken)
    {
        var sections = new List<(int, DeliveryRange[], ReadOnlyMemory<byte>)>();
        foreach (var group in taken.GroupBy(t => t.Partition).OrderBy(g => g.Key))
        {
            var ranges = new List<DeliveryRange>();
            foreach (var (_, offset, count) in group.OrderBy(t => t.Offset))
            {
                if (ranges.Count > 0 && ranges[^1].End == offset && ranges[^1].DeliveryCount == count)
                    ranges[^1] = ranges[^1] with { Count = ranges[^1].Count + 1 };
                else
                    ranges.Add(new DeliveryRange(offset, 1, count));
            }
            var batches = new List<byte>();
            foreach (var batch in subscription.Partitions[group.Key].Batches)
            {
                long first = RecordBatch.ReadBaseOffset(batch), end = first + RecordBatch.ReadRecordCount(batch);
                if (group.Any(t => t.Offset >= first && t.Offset < end))
                    batches.AddRange(batch);
            }
            sections.Add((group.Key, ranges.ToArray(), batches.ToArray()));
        }
        return Frames.Encode(w => FrameWriter.WriteDelivery(w, opcode, flags, id, sections));
    }

    private static byte[] UnknownSubscription(uint id) => Frames.Error(id, ErrorCode.UnknownSubscription, "unknown subscription");
}
