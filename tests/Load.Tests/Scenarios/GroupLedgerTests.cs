using FastBroker.Load.Scenarios;

namespace FastBroker.Load.Tests.Scenarios;

public sealed class GroupLedgerTests
{
    [Fact]
    public void A_second_delivery_is_a_duplicate_and_an_unknown_sequence_is_foreign()
    {
        var ledger = new GroupLedger(100);

        Assert.Equal(GroupLedger.Delivery.First, ledger.Record(Payload(7)));
        Assert.Equal(GroupLedger.Delivery.Duplicate, ledger.Record(Payload(7)));
        Assert.Equal(GroupLedger.Delivery.Foreign, ledger.Record(Payload(100)));
        Assert.Equal(GroupLedger.Delivery.Foreign, ledger.Record(new byte[8]));
        Assert.Equal(1, ledger.Distinct);
    }

    [Fact]
    public void Missing_counts_the_published_messages_never_received()
    {
        var ledger = new GroupLedger(200);
        for (int i = 0; i < 130; i++)
        {
            if (i != 64 && i != 129)
                ledger.Record(Payload(i));
        }
        ledger.Record(Payload(150)); // published later than the count asked about

        Assert.Equal(2, ledger.Missing(130));
        Assert.Equal(128, ledger.Distinct - 1);
    }

    [Fact]
    public void Members_recording_the_same_messages_at_once_see_each_exactly_once_as_first()
    {
        const int messages = 20_000;
        var ledger = new GroupLedger(messages);
        var firsts = new int[2];
        using var go = new Barrier(2);
        var members = new Thread[2];
        for (int m = 0; m < 2; m++)
        {
            int member = m;
            members[m] = new Thread(() =>
            {
                var payload = new byte[PayloadStamp.SequencedBytes];
                go.SignalAndWait();
                for (int i = 0; i < messages; i++)
                {
                    PayloadStamp.WriteSequence(payload, i);
                    if (ledger.Record(payload) == GroupLedger.Delivery.First)
                        firsts[member]++;
                }
            });
            members[m].Start();
        }
        foreach (var t in members)
            Assert.True(t.Join(TimeSpan.FromSeconds(30)));

        Assert.Equal(messages, firsts[0] + firsts[1]);
        Assert.Equal(messages, ledger.Distinct);
        Assert.Equal(0, ledger.Missing(messages));
    }

    private static byte[] Payload(long sequence)
    {
        var payload = new byte[PayloadStamp.SequencedBytes + 4];
        PayloadStamp.WriteSequence(payload, sequence);
        return payload;
    }
}
