using System.Buffers.Binary;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.ClientLite;

public sealed partial class BrokerConnection
{
    /// <summary>
    /// Creates a work queue: topic <paramref name="name"/> with <paramref name="partitions"/> partitions (an existing
    /// topic is kept as it is) and the shared subscription <paramref name="name"/> on it, which is handed the
    /// messages published from then on: those already stored in an existing topic are not delivered, unless
    /// <see cref="QueueOptions.Start"/> says where to start instead. Fails with
    /// <see cref="ErrorCode.SubscriptionExists"/> when the queue exists.
    /// </summary>
    public async ValueTask CreateQueueAsync(string name, QueueOptions? options = null, int partitions = 1, CancellationToken cancellationToken = default)
    {
        try
        {
            await CreateTopicAsync(name, partitions, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerException e) when (e.Code == ErrorCode.TopicExists)
        {
            // A queue over an existing topic is allowed: its subscription starts where the options say.
        }
        await CreateSubscriptionAsync(name, name, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the shared subscription <paramref name="subscription"/> on <paramref name="topic"/> with
    /// <paramref name="options"/> (defaults when null). It starts at <see cref="QueueOptions.Start"/>, by default the
    /// end of each partition: every message from there on is delivered to one consumer of the subscription at a
    /// time, unless <see cref="QueueOptions.Filter"/> excludes it or it has expired; messages before it are not. Fails with
    /// <see cref="ErrorCode.UnknownTopic"/>, <see cref="ErrorCode.InvalidArgument"/> (a filter the broker rejects),
    /// <see cref="ErrorCode.SubscriptionExists"/> or <see cref="ErrorCode.InvalidTopicName"/>.
    /// </summary>
    public ValueTask CreateSubscriptionAsync(string topic, string subscription, QueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= QueueOptions.Default;
        Span<byte> topicName = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        Span<byte> subscriptionName = EncodeName(subscription, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(subscription));
        Span<byte> deadLetter = options.DeadLetterTopic is { } dlq
            ? EncodeName(dlq, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(options))
            : default;
        // The trailing filter fields go only when used, so brokers that predate them still accept plain creates.
        byte[]? filter = options.Filter is { } text ? System.Text.Encoding.UTF8.GetBytes(text) : null;
        byte flags = (SubscriptionSettings.Default with
        {
            DeadLetterExpired = options.DeadLetterExpired,
            KeyOrdered = options.Ordering == QueueOrdering.Key,
        }).Options;
        var start = options.Start.ToSubscriptionStart();
        var pending = BeginRequest(Opcode.CreateSubscription, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try
            {
                if (start.Kind != SubscriptionStartKind.Latest)
                    FrameWriter.WriteCreateSubscription(_writeBuffer, pending.Id, topicName, subscriptionName,
                        QueueLimits.ToMilliseconds(options.VisibilityTimeout), (ushort)options.MaxDeliveries, deadLetter,
                        (uint)options.MaxInFlight, (AckMode)options.AckMode, filter, flags, start);
                else if (filter is null && flags == 0)
                    FrameWriter.WriteCreateSubscription(_writeBuffer, pending.Id, topicName, subscriptionName,
                        QueueLimits.ToMilliseconds(options.VisibilityTimeout), (ushort)options.MaxDeliveries, deadLetter,
                        (uint)options.MaxInFlight, (AckMode)options.AckMode);
                else
                    FrameWriter.WriteCreateSubscription(_writeBuffer, pending.Id, topicName, subscriptionName,
                        QueueLimits.ToMilliseconds(options.VisibilityTimeout), (ushort)options.MaxDeliveries, deadLetter,
                        (uint)options.MaxInFlight, (AckMode)options.AckMode, filter, flags);
            }
            finally { EndWrite(); }
        }
        return CompleteEmptyAsync(pending);
    }

    /// <summary>
    /// Moves the shared subscription <paramref name="subscription"/> of <paramref name="topic"/> to
    /// <paramref name="position"/> in every partition (PROTOCOL.md section 5.25): back, and the messages from there on
    /// are delivered again (acked ones too); forward, and the unsettled messages skipped are settled without
    /// delivery. Durable when it returns. Returns, per partition in order, the new position and how many messages
    /// were skipped. Fails with <see cref="ErrorCode.SubscriptionBusy"/> while the subscription has messages in
    /// flight or a push consumer attached (nothing changes), and with <see cref="ErrorCode.UnknownSubscription"/>.
    /// </summary>
    public async ValueTask<IReadOnlyList<PartitionReset>> ResetSubscriptionAsync(string topic, string subscription, StartPosition position,
        CancellationToken cancellationToken = default)
    {
        var pending = StartResetSubscription(topic, subscription, position.ToSubscriptionStart(), cancellationToken);
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            if (!ResetSubscriptionResponse.TryParse(pending.BodySpan, out var partitions))
                throw ProtocolViolation("a malformed ResetSubscription response");
            return partitions;
        }
        finally
        {
            Release(pending);
        }
    }

    private PendingRequest StartResetSubscription(string topic, string subscription, SubscriptionStart start, CancellationToken cancellationToken)
    {
        Span<byte> topicName = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        Span<byte> subscriptionName = EncodeName(subscription, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(subscription));
        var pending = BeginRequest(Opcode.ResetSubscription, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteResetSubscription(_writeBuffer, pending.Id, topicName, subscriptionName, start); }
            finally { EndWrite(); }
        }
        return pending;
    }

    /// <summary>
    /// Deletes a shared subscription and its ack state; the topic and its messages stay. Fails with
    /// <see cref="ErrorCode.UnknownSubscription"/> when there is none.
    /// </summary>
    public ValueTask DeleteSubscriptionAsync(string topic, string subscription, CancellationToken cancellationToken = default)
    {
        var pending = StartSubscriptionRequest(Opcode.DeleteSubscription, topic, subscription, cancellationToken);
        return CompleteEmptyAsync(pending);
    }

    /// <summary>The settings and counters of a shared subscription (a queue's: <paramref name="subscription"/> = <paramref name="topic"/>).</summary>
    public async ValueTask<QueueStats> GetQueueStatsAsync(string topic, string subscription, CancellationToken cancellationToken = default)
    {
        var pending = StartSubscriptionRequest(Opcode.SubscriptionStats, topic, subscription, cancellationToken);
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            if (!SubscriptionStats.TryParse(pending.BodySpan, out var stats))
                throw ProtocolViolation("a malformed SubscriptionStats response");
            return QueueStats.From(topic, subscription, stats);
        }
        finally
        {
            Release(pending);
        }
    }

    /// <summary>A consumer of the queue <paramref name="name"/> (the shared subscription <paramref name="name"/> on topic <paramref name="name"/>).</summary>
    public QueueConsumer OpenQueue(string name) => OpenSubscription(name, name);

    /// <summary>
    /// A consumer of the shared subscription <paramref name="subscription"/> on <paramref name="topic"/>. Nothing is
    /// sent until it is used, so an unknown subscription shows up as <see cref="ErrorCode.UnknownSubscription"/> on
    /// the first receive or subscribe. The consumer uses this connection and does not own it.
    /// </summary>
    public QueueConsumer OpenSubscription(string topic, string subscription)
    {
        EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        EncodeName(subscription, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(subscription));
        return new QueueConsumer(this, topic, subscription);
    }

    /// <summary>Soft byte cap asked of each receive: well under the frame cap, since whole batches may overshoot it.</summary>
    internal uint ReceiveMaxBytes => (uint)Math.Clamp(_options.MaxReceiveFrameBytes / 4, 64 * 1024, 4 * 1024 * 1024);

    /// <summary>Queues a Receive; its request timeout is extended by the long-poll wait.</summary>
    internal PendingRequest StartReceive(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> subscription, uint maxMessages, uint waitMs,
        uint visibilityMs, CancellationToken cancellationToken)
    {
        var pending = BeginRequest(Opcode.Receive, TimeSpan.FromMilliseconds(waitMs), cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteReceive(_writeBuffer, pending.Id, topic, subscription, maxMessages, ReceiveMaxBytes, waitMs, visibilityMs); }
            finally { EndWrite(); }
        }
        return pending;
    }

    /// <summary>Largest number of ranges one Ack, Nack or Extend frame carries within the broker's frame cap.</summary>
    internal int MaxRangesPerSettle => (MaxFrameBytes - 2 * (2 + Protocol.MaxTopicNameBytes) - 8) / (OffsetRange.Size + 8);

    /// <summary>Queues an Ack, Nack or Extend of <paramref name="ranges"/> (at most <see cref="MaxRangesPerSettle"/>).</summary>
    internal PendingRequest StartSettle(Opcode opcode, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> subscription, uint argument,
        ReadOnlySpan<OffsetRange> ranges, CancellationToken cancellationToken)
    {
        var pending = BeginRequest(opcode, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteSettle(_writeBuffer, opcode, pending.Id, topic, subscription, argument, ranges); }
            finally { EndWrite(); }
        }
        return pending;
    }

    /// <summary>The count of messages an Ack, Nack or Extend applied to.</summary>
    internal uint ReadSettleResponse(PendingRequest pending)
        => pending.BodyLength == 4
            ? BinaryPrimitives.ReadUInt32LittleEndian(pending.BodySpan)
            : throw ProtocolViolation($"a {pending.BodyLength}-byte {pending.Opcode} response where 4 bytes belong");

    private PendingRequest StartSubscriptionRequest(Opcode opcode, string topic, string subscription, CancellationToken cancellationToken)
    {
        Span<byte> topicName = EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        Span<byte> subscriptionName = EncodeName(subscription, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(subscription));
        var pending = BeginRequest(opcode, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteSubscriptionRequest(_writeBuffer, opcode, pending.Id, topicName, subscriptionName); }
            finally { EndWrite(); }
        }
        return pending;
    }
}
