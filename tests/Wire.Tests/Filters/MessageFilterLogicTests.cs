using FastBroker.Wire.Filters;
using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;
using static FastBroker.Wire.Tests.Support.SingleRecord;

namespace FastBroker.Wire.Tests.Filters;

/// <summary>
/// <c>and</c>, <c>or</c>, <c>not</c> and parentheses: precedence (not over and over or), grouping, keywords in any
/// case, and the text a parsed filter keeps. Each case is chosen so that a wrong precedence gives the other answer.
/// </summary>
public class MessageFilterLogicTests
{
    private static readonly RecordHeader[] NoHeaders = [];
    private static readonly RecordHeader[] WithH = [Header("h", "1")];

    [Theory]
    // or is weaker than and: "a or (b and h)" is true for key a without h; "(a or b) and h" would be false.
    [InlineData("key = \"a\" or key = \"b\" and header(h) exists", "a", false, true)]
    [InlineData("key = \"b\" and header(h) exists or key = \"a\"", "a", false, true)]
    [InlineData("(key = \"a\" or key = \"b\") and header(h) exists", "a", false, false)]
    [InlineData("(key = \"a\" or key = \"b\") and header(h) exists", "b", true, true)]
    // not binds tighter than and: "(not a) and b" is false for key c; "not (a and b)" would be true.
    [InlineData("not key = \"a\" and key = \"b\"", "c", false, false)]
    [InlineData("not key = \"a\" and key = \"b\"", "b", false, true)]
    [InlineData("not (key = \"a\" and key = \"b\")", "c", false, true)]
    // not binds tighter than or: "(not a) or a" is always true; "not (a or a)" would be false for key a.
    [InlineData("not key = \"a\" or key = \"a\"", "a", false, true)]
    [InlineData("not (key = \"a\" or key = \"a\")", "a", false, false)]
    [InlineData("not not key = \"a\"", "a", false, true)]
    [InlineData("not not not key = \"a\"", "a", false, false)]
    [InlineData("not (key = \"a\")", "b", false, true)]
    [InlineData("((((key = \"a\"))))", "a", false, true)]
    [InlineData("key = \"a\" and key = \"a\" and header(h) exists", "a", true, true)]
    [InlineData("key = \"a\" and key = \"a\" and header(h) exists", "a", false, false)]
    [InlineData("key = \"x\" or key = \"y\" or key = \"a\"", "a", false, true)]
    [InlineData("key = \"x\" or key = \"y\" or key = \"z\"", "a", false, false)]
    [InlineData("key = \"a\" and (header(h) exists or key = \"b\") and not key = \"c\"", "a", true, true)]
    [InlineData("key = \"a\" and (header(h) exists or key = \"b\") and not key = \"c\"", "a", false, false)]
    [InlineData("key != \"a\" and not header(h) exists", "b", false, true)]
    public void Precedence_is_not_then_and_then_or(string filter, string key, bool hasH, bool expected)
        => Assert.Equal(expected, Matches(filter, key, hasH ? WithH : NoHeaders));

    [Theory]
    [InlineData("KEY = \"a\" AND HEADER(h) EXISTS")]
    [InlineData("Key = \"a\" And Header(h) Exists")]
    [InlineData("kEy In (\"a\") aNd NoT nOt header(h) eXiStS")]
    [InlineData("NOT key = \"b\" AND header(h) exists OR key = \"z\"")]
    public void Keywords_are_case_insensitive(string filter)
    {
        Assert.True(Matches(filter, "a", WithH));
        Assert.False(Matches(filter, "a", NoHeaders));
    }

    [Theory]
    [InlineData("key=\"a\"and header(h)exists")]
    [InlineData("(key=\"a\")and(header(h)exists)")]
    [InlineData("\t key\n=\r\n\"a\"   and\u00A0header ( h ) exists \n")]
    [InlineData("key in(\"a\",\"b\")and header(\"h\")exists")]
    public void Whitespace_only_separates_tokens(string filter)
    {
        Assert.True(Matches(filter, "a", WithH));
        Assert.False(Matches(filter, "a", NoHeaders));
        Assert.False(Matches(filter, "c", WithH));
    }

    [Fact]
    public void Strings_are_tokens_so_keywords_and_symbols_inside_them_are_plain_text()
    {
        Assert.True(Matches("key = \"a and b\"", "a and b"));
        Assert.True(Matches("key = \"(\" or key = \")\"", ")"));
        Assert.True(Matches("key in (\"x,y\")", "x,y"));
        Assert.False(Matches("key in (\"x,y\")", "x"));
    }

    [Fact]
    public void A_parsed_filter_keeps_its_text()
    {
        const string text = "  key ~ \"eu.#\"   AND header(type) = \"created\" ";
        var filter = MessageFilter.Parse(text);
        Assert.Equal(text, filter.Text);
        Assert.Equal(text, filter.ToString());
    }

    [Fact]
    public void Parse_and_TryParse_agree()
    {
        Assert.True(MessageFilter.TryParse("key exists", out var filter, out string? error));
        Assert.NotNull(filter);
        Assert.Null(error);

        Assert.False(MessageFilter.TryParse("key", out filter, out error));
        Assert.Null(filter);
        var thrown = Assert.Throws<FormatException>(() => MessageFilter.Parse("key"));
        Assert.Equal(error, thrown.Message);
    }

    [Fact]
    public void One_parsed_filter_gives_each_record_of_a_batch_its_own_answer()
    {
        var filter = MessageFilter.Parse("key ~ \"eu.#\" and header(type) in (\"created\", \"updated\")");
        using var builder = new RecordBatchBuilder();
        (string? Key, string? Type, bool Expected)[] records =
        [
            ("eu.fr", "created", true),
            ("us.ny", "created", false),
            (null, "created", false),
            ("eu", "updated", true),
            ("eu.de", "deleted", false),
            ("eu.de", null, false),
        ];
        foreach (var (key, type, _) in records)
        {
            RecordHeader[] headers = type is null ? [] : [Header("type", type)];
            builder.Append(Timestamp, key is not null, key is null ? default : System.Text.Encoding.UTF8.GetBytes(key), headers, "v"u8);
        }
        var reader = new RecordBatchReader(builder.Seal().Span);
        foreach (var (key, type, expected) in records)
        {
            Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
            Assert.True(expected == filter.Matches(record), $"key {key ?? "(none)"}, type {type ?? "(none)"}");
        }
        Assert.Equal(RecordReadStatus.End, reader.TryReadNext(out _));
    }
}
