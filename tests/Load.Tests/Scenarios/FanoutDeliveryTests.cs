using FastBroker.Load.Scenarios;

namespace FastBroker.Load.Tests.Scenarios;

/// <summary>The bookkeeping of a fan-out run: per-subscription ledgers of sequence numbers and the verdict on them.</summary>
public sealed class FanoutDeliveryTests
{
    private static byte[] Message(long sequence)
    {
        var payload = new byte[32];
        PayloadStamp.WriteSequence(payload, sequence);
        return payload;
    }

    [Fact]
    public void A_ledger_counts_distinct_duplicate_and_foreign_deliveries()
    {
        var ledger = new DeliveryLedger(100);
        foreach (long sequence in new long[] { 0, 1, 63, 64, 99, 1, 64 })
            ledger.Record(Message(sequence));
        ledger.Record(Message(100));
        ledger.Record(new byte[12]);

        Assert.Equal(9, ledger.Delivered);
        Assert.Equal(5, ledger.Distinct);
        Assert.Equal(2, ledger.Duplicates);
        Assert.Equal(2, ledger.Foreign);
        Assert.Equal(95, ledger.Missing(100));
        // Only sequence numbers below what was published count: 0, 1 and 63 of the first 64.
        Assert.Equal(61, ledger.Missing(64));
        Assert.Equal(0, ledger.Missing(2));
    }

    [Fact]
    public void Every_subscription_complete_is_no_error_and_each_gets_a_note()
    {
        var delivery = new FanoutDelivery(3, 1000);
        for (int k = 0; k < 3; k++)
        {
            for (long i = 0; i < 1000; i++)
                delivery.Ledgers[k].Record(Message(i));
        }

        var verdict = delivery.Check(1000, start: 0, lastTimestamps: [1000, 2000, 4000], timestampFrequency: 1000);

        Assert.Null(verdict.Error);
        Assert.Equal(4, verdict.Notes.Count);
        Assert.Contains("3,000 expected", verdict.Notes[0]);
        Assert.Equal("Subscription 0: 1,000 delivered (1,000 msg/s), 1,000 distinct, 0 missing, 0 duplicates.", verdict.Notes[1]);
        Assert.Equal("Subscription 2: 1,000 delivered (250 msg/s), 1,000 distinct, 0 missing, 0 duplicates.", verdict.Notes[3]);
    }

    [Fact]
    public void A_subscription_that_missed_a_message_fails_the_verdict_even_when_the_total_adds_up()
    {
        var delivery = new FanoutDelivery(2, 10);
        for (long i = 0; i < 10; i++)
        {
            delivery.Ledgers[0].Record(Message(i));
            // Subscription 1 gets message 3 twice and message 7 never: 10 deliveries all the same.
            delivery.Ledgers[1].Record(Message(i == 7 ? 3 : i));
        }

        var verdict = delivery.Check(10, 0, [10, 10], 1000);

        Assert.Equal("Fan-out delivery incomplete: subscription 1 is missing 1 of 10.", verdict.Error);
        Assert.Contains("Subscription 1: 10 delivered (1,000 msg/s), 9 distinct, 1 missing, 1 duplicates.", verdict.Notes);
    }

    [Fact]
    public void Messages_the_run_did_not_publish_fail_the_verdict()
    {
        var delivery = new FanoutDelivery(1, 5);
        for (long i = 0; i < 5; i++)
            delivery.Ledgers[0].Record(Message(i));
        delivery.Ledgers[0].Record(Message(-1));

        var verdict = delivery.Check(5, 0, [0], 1000);

        Assert.Equal("Fan-out delivery incomplete: subscription 0 got 1 messages this run did not publish.", verdict.Error);
        Assert.Contains("(- msg/s)", verdict.Notes[1]);
    }
}
