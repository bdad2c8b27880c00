using System.Text;
using FastBroker.Wire.Filters;
using FastBroker.Wire.Tests.Support;
using static FastBroker.Wire.Tests.Support.FilterTexts;

namespace FastBroker.Wire.Tests.Vectors;

/// <summary>
/// The tables of PROTOCOL.md section 14 are normative examples: every row is checked against
/// <see cref="MessageFilter"/> and <see cref="RoutingPattern"/>, so the spec and the codec cannot disagree.
/// </summary>
public class FilterSpecTests
{
    private const string MatchTable = "| Filter | Key | Headers | Matches |";
    private const string ErrorTable = "| Filter | Error |";
    private const string PatternTable = "| Pattern | Name | Matches |";
    private const string LimitTable = "| Limit | Value | Error for the first value over it |";

    private static readonly string[] Lines = File.ReadAllLines(ProtocolDocument.Path);

    public static TheoryData<string, string, string, string> MatchRows() => Rows4(MatchTable);

    public static TheoryData<string, string> ErrorRows()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in MarkdownTable.Read(Lines, ErrorTable))
            data.Add(row[0], row[1]);
        return data;
    }

    public static TheoryData<string, string, string> PatternRows()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in MarkdownTable.Read(Lines, PatternTable))
            data.Add(row[0], row[1], row[2]);
        return data;
    }

    public static TheoryData<string, string, string> LimitRows()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in MarkdownTable.Read(Lines, LimitTable))
            data.Add(row[0], row[1], row[2]);
        return data;
    }

    [Theory]
    [MemberData(nameof(MatchRows))]
    public void Filter_vector_matches_as_the_spec_says(string filter, string key, string headers, string matches)
    {
        byte[] batch = SingleRecord.Encode(SpecNotation.Key(key), SpecNotation.Headers(headers));
        Assert.Equal(SpecNotation.YesNo(matches), SingleRecord.Matches(MessageFilter.Parse(FilterText(filter)), batch));
    }

    [Theory]
    [MemberData(nameof(ErrorRows))]
    public void Invalid_filter_vector_gives_the_spec_error(string filter, string error)
    {
        Assert.False(MessageFilter.TryParse(FilterText(filter), out _, out string? actual));
        Assert.Equal(MarkdownTable.CodeSpan(error), actual);
    }

    [Theory]
    [MemberData(nameof(PatternRows))]
    public void Pattern_example_matches_as_the_spec_says(string pattern, string name, string matches)
    {
        var parsed = RoutingPattern.Parse(SpecNotation.Text(pattern));
        bool expected = SpecNotation.YesNo(matches);
        Assert.Equal(expected, parsed.Matches(SpecNotation.Key(name)!));
        Assert.Equal(expected, parsed.Matches(SpecNotation.Text(name)));
    }

    [Theory]
    [MemberData(nameof(LimitRows))]
    public void Limit_row_gives_the_codec_value_and_its_error(string limit, string value, string error)
    {
        int stated = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        string message = MarkdownTable.CodeSpan(error);
        switch (limit)
        {
            case "filter text":
                Assert.Equal(MessageFilter.MaxBytes, stated);
                AssertFilterError(KeyEquals(stated + 1), message);
                break;
            case "nesting of `not` and parentheses":
                Assert.Equal(MessageFilter.MaxDepth, stated);
                AssertFilterError(Parenthesised(stated + 1), message);
                AssertFilterError(Negated(stated + 1), message);
                break;
            case "conditions":
                Assert.Equal(MessageFilter.MaxConditions, stated);
                AssertFilterError(Conditions(stated + 1, " or "), message);
                break;
            case "values of an `in` list":
                Assert.Equal(MessageFilter.MaxListValues, stated);
                AssertFilterError(InList(stated + 1), message);
                break;
            case "routing pattern":
                Assert.Equal(RoutingPattern.MaxBytes, stated);
                Assert.False(RoutingPattern.TryParse(new string('a', stated + 1), out _, out string? patternError));
                Assert.Equal(message, patternError);
                AssertFilterError(KeyPattern(stated + 1), "bad pattern at column 7: " + message);
                break;
            default:
                Assert.Fail($"The limit '{limit}' in PROTOCOL.md section 14.4 is unknown to this test.");
                break;
        }
    }

    [Fact]
    public void Every_table_has_its_rows_and_the_limit_table_every_limit()
    {
        Assert.True(MarkdownTable.Read(Lines, MatchTable).Count >= 40);
        Assert.True(MarkdownTable.Read(Lines, ErrorTable).Count >= 20);
        Assert.True(MarkdownTable.Read(Lines, PatternTable).Count >= 20);
        var limits = MarkdownTable.Read(Lines, LimitTable).Select(row => row[0]).ToList();
        Assert.Equal(["filter text", "nesting of `not` and parentheses", "conditions", "values of an `in` list", "routing pattern"], limits);
    }

    [Fact]
    public void Both_answers_appear_in_the_match_tables()
    {
        foreach (string table in new[] { MatchTable, PatternTable })
        {
            var answers = MarkdownTable.Read(Lines, table).Select(row => row[^1]).ToHashSet();
            Assert.Equal(["yes", "no"], answers.Order().Reverse());
        }
    }

    [Fact]
    public void Notation_reads_escapes_quoted_names_and_none()
    {
        Assert.Null(SpecNotation.Key("none"));
        Assert.Equal(new byte[] { 0x61, 0x22, 0x5C, 0xFF, 0xC3, 0xA9 }, SpecNotation.Key("`\"a\\\"\\\\\\xFFé\"`"));
        var headers = SpecNotation.Headers("`a=\"1\", \"x y\"=\"\", a=\"\\x00\"`");
        Assert.Equal(["a", "x y", "a"], headers.Select(h => h.Name));
        Assert.Equal([[0x31], [], [0x00]], headers.Select(h => h.Value.ToArray()));
        Assert.Throws<FormatException>(() => SpecNotation.Key("`\"a\" b`"));
        Assert.Throws<FormatException>(() => SpecNotation.Headers("`a=\"1\" b=\"2\"`"));
        Assert.Equal(["a", "b", ""], MarkdownTable.Cells("| a | b | |"));
        Assert.Equal(["x|y"], MarkdownTable.Cells("| x\\|y |"));
    }

    private static TheoryData<string, string, string, string> Rows4(string table)
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var row in MarkdownTable.Read(Lines, table))
            data.Add(row[0], row[1], row[2], row[3]);
        return data;
    }

    // "(empty)" stands for the empty text, which a code span cannot show.
    private static string FilterText(string cell) => cell == "(empty)" ? "" : MarkdownTable.CodeSpan(cell);

    private static void AssertFilterError(string filter, string message)
    {
        Assert.False(MessageFilter.TryParse(filter, out _, out string? error));
        Assert.Equal(message, error);
    }
}
