using System.Globalization;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// The bookkeeping of a fan-out run: one consumer and one <see cref="DeliveryLedger"/> per subscription, and the
/// verdict afterwards — every subscription must have received every published message (a loss fails the run);
/// duplicates and per-subscription throughput go into the notes.
/// </summary>
internal sealed class FanoutDelivery
{
    private readonly DeliveryLedger[] _ledgers;

    /// <summary>Bookkeeping for <paramref name="subscriptions"/> subscriptions of a run publishing at most
    /// <paramref name="capacity"/> messages.</summary>
    public FanoutDelivery(int subscriptions, long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subscriptions, 1);
        _ledgers = new DeliveryLedger[subscriptions];
        for (int k = 0; k < subscriptions; k++)
            _ledgers[k] = new DeliveryLedger(capacity);
    }

    /// <summary>How many subscriptions receive every message.</summary>
    public int Subscriptions => _ledgers.Length;

    /// <summary>The ledger of each subscription, by index: consumer k records into ledger k.</summary>
    public IReadOnlyList<DeliveryLedger> Ledgers => _ledgers;

    /// <summary>The verdict: <paramref name="Error"/> when a subscription missed messages (or got some this run did
    /// not publish), null otherwise; <paramref name="Notes"/> has a line per subscription.</summary>
    public readonly record struct Verdict(string? Error, List<string> Notes);

    /// <summary>Opens one consumer per subscription (consumer k reads subscription k); on failure closes those already open.</summary>
    public async Task<IConsumer[]> CreateConsumersAsync(ScenarioContext context)
    {
        var consumers = new List<IConsumer>(_ledgers.Length);
        try
        {
            for (int k = 0; k < _ledgers.Length; k++)
                consumers.Add(await context.Target.CreateFanoutConsumerAsync(context.ConsumerGroup, k, context.Cancellation).ConfigureAwait(false));
            return [.. consumers];
        }
        catch
        {
            await ScenarioContext.DisposeAllAsync(consumers).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Checks every subscription against <paramref name="published"/> (numbered 0 to published - 1).
    /// <paramref name="lastTimestamps"/> holds when each subscription's consumer handled its last message, so each
    /// rate runs from <paramref name="start"/> to that subscription's own last message.
    /// </summary>
    public Verdict Check(long published, long start, IReadOnlyList<long> lastTimestamps, long timestampFrequency)
    {
        var notes = new List<string>(_ledgers.Length + 1)
        {
            string.Create(CultureInfo.InvariantCulture,
                $"Fan-out to {_ledgers.Length} subscriptions, one consumer each: msg/s counts deliveries to all subscriptions together ({published:N0} published x {_ledgers.Length} = {published * _ledgers.Length:N0} expected)."),
        };
        var lossy = new List<string>();
        for (int k = 0; k < _ledgers.Length; k++)
        {
            var ledger = _ledgers[k];
            long missing = ledger.Missing(published);
            long last = k < lastTimestamps.Count ? lastTimestamps[k] : 0;
            double seconds = last > start ? (double)(last - start) / timestampFrequency : 0;
            string rate = seconds > 0 ? string.Create(CultureInfo.InvariantCulture, $"{ledger.Delivered / seconds:N0} msg/s") : "- msg/s";
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"Subscription {k}: {ledger.Delivered:N0} delivered ({rate}), {ledger.Distinct:N0} distinct, {missing:N0} missing, {ledger.Duplicates:N0} duplicates."));
            if (missing > 0)
                lossy.Add(string.Create(CultureInfo.InvariantCulture, $"subscription {k} is missing {missing:N0} of {published:N0}"));
            if (ledger.Foreign > 0)
                lossy.Add(string.Create(CultureInfo.InvariantCulture, $"subscription {k} got {ledger.Foreign:N0} messages this run did not publish"));
        }
        string? error = lossy.Count > 0 ? "Fan-out delivery incomplete: " + string.Join("; ", lossy) + "." : null;
        return new Verdict(error, notes);
    }
}
