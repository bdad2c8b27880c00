using System.Globalization;
using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;

namespace FastBroker.Wire.Tests.Vectors;

/// <summary>
/// Every row of the <c>fb-expires</c> table (PROTOCOL.md section 6.6) and of the <c>fb-deliver-at</c> table (6.7) is
/// what <see cref="MessageExpiry"/> and <see cref="MessageDeliveryTime"/> read.
/// </summary>
public class TimeHeaderSpecTests
{
    private const string ExpiryTable = "| `fb-expires` values | Expires at |";
    private const string DeliveryTable = "| `fb-deliver-at` values | Deliver at |";

    private static readonly string[] Lines = File.ReadAllLines(ProtocolDocument.Path);

    public static TheoryData<string, string, string> Rows()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in MarkdownTable.Read(Lines, ExpiryTable))
            data.Add(MessageExpiry.HeaderName, row[0], row[1]);
        foreach (var row in MarkdownTable.Read(Lines, DeliveryTable))
            data.Add(MessageDeliveryTime.HeaderName, row[0], row[1]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Row_is_what_the_codec_reads(string header, string values, string expected)
    {
        var headers = SpecNotation.Values(values).Select(v => new RecordHeader(header, v)).ToArray();
        byte[] batch = SingleRecord.Encode("k", headers);
        long at;
        bool has = header == MessageExpiry.HeaderName ? SingleRecord.TryGetExpiry(batch, out at) : SingleRecord.TryGetDeliveryTime(batch, out at);
        if (IsNone(header, expected))
        {
            Assert.False(has);
        }
        else
        {
            Assert.True(has);
            Assert.Equal(long.Parse(expected, NumberStyles.None, CultureInfo.InvariantCulture), at);
        }
    }

    [Theory]
    [InlineData(ExpiryTable, "fb-expires")]
    [InlineData(DeliveryTable, "fb-deliver-at")]
    public void Table_has_both_kinds_of_rows(string table, string header)
    {
        var rows = MarkdownTable.Read(Lines, table);
        Assert.True(rows.Count >= 10);
        Assert.Contains(rows, row => IsNone(header, row[1]));
        Assert.Contains(rows, row => !IsNone(header, row[1]));
    }

    // A value that sets no time reads "never" (expiry) or "at once" (delivery), sometimes followed by why.
    private static bool IsNone(string header, string expected)
        => expected.StartsWith(header == MessageExpiry.HeaderName ? "never" : "at once", StringComparison.Ordinal);
}
