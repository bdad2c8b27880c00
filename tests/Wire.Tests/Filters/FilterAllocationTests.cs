using FastBroker.Wire.Filters;
using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;
using static FastBroker.Wire.Tests.Support.SingleRecord;

namespace FastBroker.Wire.Tests.Filters;

/// <summary>Matching is on the hot path of every filtered delivery: once parsed, it must allocate nothing.</summary>
public class FilterAllocationTests
{
    private const int Calls = 10_000;

    [Theory]
    [InlineData("key = \"eu.fr.created\"", true)]
    [InlineData("key ~ \"eu.*.created\"", true)]
    [InlineData("key ~ \"#.#.#.deleted\"", false)]
    [InlineData("header(type) = \"created\"", false)]
    [InlineData("header(\"fb-expires\") exists and not header(type) in (\"deleted\", \"archived\")", true)]
    [InlineData("(key ^= \"us.\" or key ~ \"eu.#\") and header(type) in (\"created\", \"updated\") and not header(test) exists", true)]
    [InlineData("header(route) ~ \"#.fr.#\" and key != \"x\"", true)]
    public void Matching_a_parsed_filter_allocates_nothing(string text, bool expected)
    {
        var filter = MessageFilter.Parse(text);
        byte[] batch = Encode("eu.fr.created", Header("trace", "t-1"), Header("type", "updated"), Header("route", "eu.fr.paris"), Header("fb-expires", "1700000000000"));
        int matched = 0;
        long allocated = Allocations.LeastOf(() =>
        {
            var record = FirstRecord(batch);
            matched = 0;
            for (int i = 0; i < Calls; i++)
                if (filter.Matches(record)) matched++;
        });

        Assert.Equal(0, allocated);
        Assert.Equal(expected ? Calls : 0, matched);
    }

    [Fact]
    public void Matching_a_routing_pattern_and_reading_the_expiry_allocate_nothing()
    {
        var pattern = RoutingPattern.Parse("#.fr.*");
        byte[] name = "eu.fr.created"u8.ToArray();
        byte[] batch = Encode("k", Header("trace", "t-1"), Header("fb-expires", "1700000000000"));
        int hits = 0;
        long allocated = Allocations.LeastOf(() =>
        {
            var record = FirstRecord(batch);
            hits = 0;
            for (int i = 0; i < Calls; i++)
            {
                if (pattern.Matches(name)) hits++;
                if (pattern.Matches("eu.fr.created")) hits++;
                if (MessageExpiry.IsExpired(record, 1_700_000_000_000)) hits++;
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(3 * Calls, hits);
    }

    // Records are views over the batch that cannot be captured, so each measured round reads its own.
    private static FastBroker.Wire.Records.Record FirstRecord(byte[] batch)
    {
        var reader = new RecordBatchReader(batch);
        // Not an assertion: the framework's comparers may allocate inside the measured round.
        if (reader.TryReadNext(out var record) != RecordReadStatus.Ok) throw new InvalidOperationException("the test batch does not decode");
        return record;
    }
}
