using FastBroker.Wire.Messages.Queues;

namespace FastBroker.ClientLite;

/// <summary>
/// A shared subscription's settings and counters, as the broker saw them when it answered. Counters of messages
/// (visible, in flight, delayed) are a snapshot; totals and rates count since the broker started.
/// </summary>
/// <param name="Topic">The topic.</param>
/// <param name="Subscription">The subscription (equal to <paramref name="Topic"/> for a queue).</param>
/// <param name="VisibilityTimeout">How long a delivered message stays hidden unless a receive chose otherwise.</param>
/// <param name="MaxDeliveries">Deliveries without an ack before a message is dead-lettered.</param>
/// <param name="DeadLetterTopic">Where dead letters go.</param>
/// <param name="MaxInFlight">Delivered, unsettled messages allowed at once.</param>
/// <param name="AckMode">Explicit acks or none.</param>
/// <param name="Visible">Messages ready for delivery now.</param>
/// <param name="InFlight">Messages delivered and not yet acked, nacked or timed out.</param>
/// <param name="Delayed">Messages nacked with a delay that has not passed yet.</param>
/// <param name="DeadLettered">A total, not a gauge: messages moved to the dead-letter topic since the subscription was
/// created (kept across broker restarts). A redrive does not lower it.</param>
/// <param name="OldestUnackedAge">Age of the oldest message not yet acked (from its publish timestamp); null when there is none.</param>
/// <param name="Delivered">Deliveries, redeliveries included.</param>
/// <param name="Acked">Acks.</param>
/// <param name="DeliveriesPerSecond">Deliveries per second over the last few seconds.</param>
/// <param name="AcksPerSecond">Acks per second over the last few seconds.</param>
public sealed record QueueStats(
    string Topic,
    string Subscription,
    TimeSpan VisibilityTimeout,
    int MaxDeliveries,
    string DeadLetterTopic,
    int MaxInFlight,
    QueueAckMode AckMode,
    long Visible,
    long InFlight,
    long Delayed,
    long DeadLettered,
    TimeSpan? OldestUnackedAge,
    long Delivered,
    long Acked,
    long DeliveriesPerSecond,
    long AcksPerSecond)
{
    /// <summary>Messages the subscription's filter settled without delivery since the broker started.</summary>
    public long Filtered { get; init; }

    /// <summary>Expired messages dropped without delivery since the broker started (those dead-lettered instead are
    /// counted in <see cref="DeadLettered"/>).</summary>
    public long Expired { get; init; }

    /// <summary>The subscription's filter; null when it has none.</summary>
    public string? Filter { get; init; }

    /// <summary>Whether expired messages go to the dead-letter topic instead of being dropped.</summary>
    public bool DeadLetterExpired { get; init; }

    /// <summary>The order the subscription hands out messages in (PROTOCOL.md section 8.11).</summary>
    public QueueOrdering Ordering { get; init; }

    /// <summary>Messages not yet acked: visible, in flight and delayed.</summary>
    public long Depth => Visible + InFlight + Delayed;

    internal static QueueStats From(string topic, string subscription, in SubscriptionStats stats)
    {
        var settings = stats.Settings;
        string deadLetterTopic = settings.DeadLetterTopic.Length > 0
            ? settings.DeadLetterTopic
            : SubscriptionSettings.DefaultDeadLetterTopic(topic, subscription);
        return new QueueStats(topic, subscription,
            TimeSpan.FromMilliseconds(settings.VisibilityTimeoutMs), settings.MaxDeliveries, deadLetterTopic,
            (int)Math.Min(settings.MaxInFlight, int.MaxValue), (QueueAckMode)settings.AckMode,
            stats.Visible, stats.InFlight, stats.Delayed, stats.DeadLettered,
            stats.OldestUnackedAgeMs < 0 ? null : TimeSpan.FromMilliseconds(stats.OldestUnackedAgeMs),
            stats.Delivered, stats.Acked, stats.DeliverRate, stats.AckRate)
        {
            Filtered = stats.Filtered,
            Expired = stats.Expired,
            Filter = settings.Filter.Length == 0 ? null : settings.Filter,
            DeadLetterExpired = settings.DeadLetterExpired,
            Ordering = settings.KeyOrdered ? QueueOrdering.Key : QueueOrdering.None,
        };
    }
}
