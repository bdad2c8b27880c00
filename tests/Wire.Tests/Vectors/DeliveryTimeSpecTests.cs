using System.Globalization;
using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;

namespace FastBroker.Wire.Tests.Vectors;

/// <summary>Every row of the <c>fb-deliver-at</c> table in PROTOCOL.md section 6.7 is what <see cref="MessageDeliveryTime"/> reads.</summary>
public class DeliveryTimeSpecTests
{
    private const string Table = "| `fb-deliver-at` values | Deliver at |";

    private static readonly string[] Lines = File.ReadAllLines(ProtocolDocument.Path);

    public static TheoryData<string, string> Rows()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in MarkdownTable.Read(Lines, Table))
            data.Add(row[0], row[1]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Delivery_time_row_is_what_the_codec_reads(string values, string deliverAt)
    {
        var headers = SpecNotation.Values(values).Select(v => new RecordHeader(MessageDeliveryTime.HeaderName, v)).ToArray();
        bool has = SingleRecord.TryGetDeliveryTime(SingleRecord.Encode("k", headers), out long at);
        if (deliverAt.StartsWith("at once", StringComparison.Ordinal))
        {
            Assert.False(has);
        }
        else
        {
            Assert.True(has);
            Assert.Equal(long.Parse(deliverAt, NumberStyles.None, CultureInfo.InvariantCulture), at);
        }
    }

    [Fact]
    public void Table_has_both_kinds_of_rows()
    {
        var rows = MarkdownTable.Read(Lines, Table);
        Assert.True(rows.Count >= 10);
        Assert.Contains(rows, row => row[1].StartsWith("at once", StringComparison.Ordinal));
        Assert.Contains(rows, row => !row[1].StartsWith("at once", StringComparison.Ordinal));
    }
}
