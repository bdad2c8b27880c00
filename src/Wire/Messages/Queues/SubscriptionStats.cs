using System.Text;

namespace FastBroker.Wire.Messages.Queues;

/// <summary>
/// The SubscriptionStats response: the subscription's settings, then its counters.
/// <code>
/// u32 visibility ms, u16 max deliveries, string dead-letter topic, u32 max in flight, u8 ack mode,
/// i64 visible, i64 in flight, i64 delayed, i64 dead-lettered, i64 oldest unacked age ms (-1: none),
/// i64 delivered (total), i64 acked (total), u32 deliver rate (msg/s), u32 ack rate (msg/s),
/// i64 filtered (total), i64 expired (total), string filter (empty: none), u8 options
/// </code>
/// The filter and the options are <see cref="SubscriptionSettings.Filter"/> and <see cref="SubscriptionSettings.Options"/>.
/// </summary>
/// <param name="Settings">The subscription's settings.</param>
/// <param name="Visible">Messages ready for delivery now (never delivered, or back after a timeout or nack).</param>
/// <param name="InFlight">Delivered and not yet acked, nacked or timed out.</param>
/// <param name="Delayed">Nacked with a delay that has not passed yet.</param>
/// <param name="DeadLettered">Moved to the dead-letter topic since the subscription was created.</param>
/// <param name="OldestUnackedAgeMs">Age of the oldest message not yet acked, from its publish timestamp; -1 when none.</param>
/// <param name="Delivered">Deliveries since the broker started (redeliveries included).</param>
/// <param name="Acked">Acks since the broker started.</param>
/// <param name="DeliverRate">Deliveries per second over the last few seconds.</param>
/// <param name="AckRate">Acks per second over the last few seconds.</param>
/// <param name="Filtered">Messages the filter settled without delivery since the broker started.</param>
/// <param name="Expired">Expired messages settled without delivery (and not dead-lettered) since the broker started.</param>
public readonly record struct SubscriptionStats(
    SubscriptionSettings Settings,
    long Visible,
    long InFlight,
    long Delayed,
    long DeadLettered,
    long OldestUnackedAgeMs,
    long Delivered,
    long Acked,
    uint DeliverRate,
    uint AckRate,
    long Filtered = 0,
    long Expired = 0)
{
    internal int BodyLength(int dlqBytes, int filterBytes) => 4 + 2 + 2 + dlqBytes + 4 + 1 + 7 * 8 + 4 + 4 + 8 + 8 + 2 + filterBytes + 1;

    internal void Write(ref SpanWriter w, scoped ReadOnlySpan<byte> dlq, scoped ReadOnlySpan<byte> filter)
    {
        w.WriteUInt32(Settings.VisibilityTimeoutMs);
        w.WriteUInt16(Settings.MaxDeliveries);
        w.WriteString(dlq);
        w.WriteUInt32(Settings.MaxInFlight);
        w.WriteByte((byte)Settings.AckMode);
        w.WriteInt64(Visible);
        w.WriteInt64(InFlight);
        w.WriteInt64(Delayed);
        w.WriteInt64(DeadLettered);
        w.WriteInt64(OldestUnackedAgeMs);
        w.WriteInt64(Delivered);
        w.WriteInt64(Acked);
        w.WriteUInt32(DeliverRate);
        w.WriteUInt32(AckRate);
        w.WriteInt64(Filtered);
        w.WriteInt64(Expired);
        w.WriteString(filter);
        w.WriteByte(Settings.Options);
    }

    /// <summary>Parses a SubscriptionStats response body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out SubscriptionStats stats)
    {
        stats = default;
        var r = new SpanReader(body);
        if (!r.TryReadUInt32(out uint visibility) || !r.TryReadUInt16(out ushort maxDeliveries) || !r.TryReadString(out var dlq)
            || !r.TryReadUInt32(out uint maxInFlight) || !r.TryReadByte(out byte ackMode)
            || !r.TryReadInt64(out long visible) || !r.TryReadInt64(out long inFlight) || !r.TryReadInt64(out long delayed)
            || !r.TryReadInt64(out long deadLettered) || !r.TryReadInt64(out long oldest) || !r.TryReadInt64(out long delivered)
            || !r.TryReadInt64(out long acked) || !r.TryReadUInt32(out uint deliverRate) || !r.TryReadUInt32(out uint ackRate)
            || !r.TryReadInt64(out long filtered) || !r.TryReadInt64(out long expired) || !r.TryReadString(out var filter)
            || !r.TryReadByte(out byte options) || !r.End)
            return false;
        var settings = new SubscriptionSettings(visibility, maxDeliveries, Encoding.UTF8.GetString(dlq), maxInFlight, (AckMode)ackMode)
        {
            Filter = Encoding.UTF8.GetString(filter),
        }.WithOptions(options);
        stats = new SubscriptionStats(settings, visible, inFlight, delayed, deadLettered, oldest, delivered, acked, deliverRate, ackRate, filtered, expired);
        return true;
    }
}
