using System.Globalization;
using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;

namespace FastBroker.Wire.Tests.Vectors;

/// <summary>Every row of the <c>fb-expires</c> table in PROTOCOL.md section 6.6 is what <see cref="MessageExpiry"/> reads.</summary>
public class ExpirySpecTests
{
    private const string Table = "| `fb-expires` values | Expires at |";

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
    public void Expiry_row_is_what_the_codec_reads(string values, string expiresAt)
    {
        var headers = SpecNotation.Values(values).Select(v => new RecordHeader(MessageExpiry.HeaderName, v)).ToArray();
        bool has = SingleRecord.TryGetExpiry(SingleRecord.Encode("k", headers), out long at);
        if (expiresAt.StartsWith("never", StringComparison.Ordinal))
        {
            Assert.False(has);
        }
        else
        {
            Assert.True(has);
            Assert.Equal(long.Parse(expiresAt, NumberStyles.None, CultureInfo.InvariantCulture), at);
        }
    }

    [Fact]
    public void Table_has_both_kinds_of_rows()
    {
        var rows = MarkdownTable.Read(Lines, Table);
        Assert.True(rows.Count >= 10);
        Assert.Contains(rows, row => row[1].StartsWith("never", StringComparison.Ordinal));
        Assert.Contains(rows, row => !row[1].StartsWith("never", StringComparison.Ordinal));
    }
}
