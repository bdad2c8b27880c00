namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>
/// A push subscription of the fake broker, with the credit accounting a test asserts on: the broker never
/// delivers past the credit granted, and records how far the client let granted-but-unsettled credit run.
/// </summary>
internal sealed class FakePush(int connection, uint pushId, FakeSubscription subscription, uint visibilityMs)
{
    public int Connection { get; } = connection;

    public uint PushId { get; } = pushId;

    public FakeSubscription Subscription { get; } = subscription;

    public uint VisibilityMs { get; } = visibilityMs;

    public bool Active { get; set; } = true;

    public long Granted { get; private set; }

    public long Delivered { get; private set; }

    /// <summary>Messages delivered through this push that were then acked or nacked by its connection.</summary>
    public long Settled { get; private set; }

    /// <summary>Most of (granted - settled) seen: what the client allowed to be out at once.</summary>
    public long MaxOutstanding { get; private set; }

    /// <summary>Most of (delivered - settled) seen.</summary>
    public long MaxUnsettled { get; private set; }

    public long Credit => Granted - Delivered;

    public void Grant(uint credit)
    {
        Granted += credit;
        MaxOutstanding = Math.Max(MaxOutstanding, Granted - Settled);
    }

    public void OnDelivered(int count)
    {
        Delivered += count;
        MaxUnsettled = Math.Max(MaxUnsettled, Delivered - Settled);
    }

    public void OnSettled() => Settled++;
}
