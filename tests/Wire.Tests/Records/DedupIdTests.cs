using System.Text;
using FastBroker.Wire.Records;

namespace FastBroker.Wire.Tests.Records;

public sealed class DedupIdTests
{
    // The record's id as the broker finds it: (found, value) for headers given as name=value pairs.
    private static (bool Found, string? Id) Find(params (string Name, string Value)[] headers)
    {
        using var builder = new RecordBatchBuilder();
        var encoded = headers.Select(h => new RecordHeader(h.Name, Encoding.UTF8.GetBytes(h.Value))).ToArray();
        builder.Append(0, false, default, encoded, "value bytes after the headers"u8);
        var batch = builder.Seal().ToArray();
        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
        // The headers span as the broker passes it runs to the record's end: the value must not be read as headers.
        bool found = DedupId.TryFind(record.Headers, record.HeaderCount, out var id);
        return (found, found ? Encoding.UTF8.GetString(id) : null);
    }

    [Fact]
    public void The_first_header_of_the_name_is_the_id()
        => Assert.Equal((true, "b"), Find(("x", "a"), ("fb-dedup-id", "b"), ("fb-dedup-id", "c")));

    [Fact]
    public void The_name_is_compared_byte_for_byte()
        => Assert.Equal((false, null), Find(("FB-Dedup-Id", "a"), ("fb-dedup-id ", "b")));

    [Fact]
    public void No_headers_means_no_id() => Assert.Equal((false, null), Find());

    [Fact]
    public void An_empty_value_is_found_but_not_valid()
    {
        Assert.Equal((true, ""), Find(("fb-dedup-id", "")));
        Assert.False(DedupId.IsValid([]));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(128, true)]
    [InlineData(129, false)]
    public void Ids_are_1_to_128_bytes(int length, bool valid) => Assert.Equal(valid, DedupId.IsValid(new byte[length]));
}
