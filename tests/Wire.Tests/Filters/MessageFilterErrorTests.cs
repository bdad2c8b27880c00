using System.Text;
using FastBroker.Wire.Filters;
using static FastBroker.Wire.Tests.Support.FilterTexts;

namespace FastBroker.Wire.Tests.Filters;

/// <summary>
/// Invalid filters are refused with a message that says where and what is wrong, exactly as PROTOCOL.md section 14
/// lists them. Columns count UTF-16 code units from 1.
/// </summary>
public class MessageFilterErrorTests
{
    [Theory]
    // empty
    [InlineData("", "a filter must not be empty")]
    [InlineData("   ", "a filter must not be empty")]
    [InlineData("\t\r\n\u00A0", "a filter must not be empty")]
    // strings
    [InlineData("key = \"abc", "the string at column 7 is not closed with '\"'")]
    [InlineData("key = \"abc\\\"", "the string at column 7 is not closed with '\"'")]
    [InlineData("key = \"abc\\", "the string at column 7 is not closed with '\"'")]
    [InlineData("key = \"a\\n\"", "unknown escape '\\n' in the string at column 7: only \\\" and \\\\ are allowed")]
    [InlineData("key = \"\\x41\"", "unknown escape '\\x' in the string at column 7: only \\\" and \\\\ are allowed")]
    [InlineData("key = \"\\'\"", "unknown escape '\\'' in the string at column 7: only \\\" and \\\\ are allowed")]
    // characters that are no token
    [InlineData("key = 'a'", "unexpected character ''' at column 7")]
    [InlineData("key exists & key exists", "unexpected character '&' at column 12")]
    [InlineData("key = \"a\" | key = \"b\"", "unexpected character '|' at column 11")]
    [InlineData("key ! = \"a\"", "unexpected character '!' at column 5")]
    [InlineData("key ^ \"a\"", "unexpected character '^' at column 5")]
    [InlineData("key < \"a\"", "unexpected character '<' at column 5")]
    [InlineData("header[type] exists", "unexpected character '[' at column 7")]
    [InlineData("header(type\u00E9) exists", "unexpected character 'é' at column 12")]
    // missing operands
    [InlineData("key", "expected '=', '!=', '^=', '~', 'in' or 'exists' after the key at column 4, found the end of the filter")]
    [InlineData("key \"a\"", "expected '=', '!=', '^=', '~', 'in' or 'exists' after the key at column 5, found the string \"a\"")]
    [InlineData("key is \"a\"", "expected '=', '!=', '^=', '~', 'in' or 'exists' after the key at column 5, found 'is'")]
    [InlineData("key (", "expected '=', '!=', '^=', '~', 'in' or 'exists' after the key at column 5, found '('")]
    [InlineData("header(type)", "expected '=', '!=', '^=', '~', 'in' or 'exists' after header(type) at column 13, found the end of the filter")]
    [InlineData("header(\"x y\") , \"a\"", "expected '=', '!=', '^=', '~', 'in' or 'exists' after header(x y) at column 15, found ','")]
    [InlineData("key =", "expected a string in double quotes after '=' at column 6, found the end of the filter")]
    [InlineData("key ~ ", "expected a string in double quotes after '~' at column 7, found the end of the filter")]
    [InlineData("key = a", "expected a string in double quotes after '=' at column 7, found 'a'")]
    [InlineData("key == \"a\"", "expected a string in double quotes after '=' at column 6, found '='")]
    [InlineData("key != 5", "expected a string in double quotes after '!=' at column 8, found '5'")]
    [InlineData("key ^= (\"a\")", "expected a string in double quotes after '^=' at column 8, found '('")]
    [InlineData("key = \"a\" and", "expected 'key', 'header(NAME)', 'not' or '(' at column 14, found the end of the filter")]
    [InlineData("key = \"a\" or or key exists", "expected 'key', 'header(NAME)', 'not' or '(' at column 14, found 'or'")]
    [InlineData("or key exists", "expected 'key', 'header(NAME)', 'not' or '(' at column 1, found 'or'")]
    [InlineData("not", "expected 'key', 'header(NAME)', 'not' or '(' at column 4, found the end of the filter")]
    [InlineData("\"a\"", "expected 'key', 'header(NAME)', 'not' or '(' at column 1, found the string \"a\"")]
    [InlineData("kéy exists", "expected 'key', 'header(NAME)', 'not' or '(' at column 1, found 'k'")]
    [InlineData("value = \"a\"", "expected 'key', 'header(NAME)', 'not' or '(' at column 1, found 'value'")]
    [InlineData("()", "expected 'key', 'header(NAME)', 'not' or '(' at column 2, found ')'")]
    // parentheses and trailing tokens
    [InlineData("(key exists", "expected ')' at column 12, found the end of the filter")]
    [InlineData("(key exists or (key = \"a\")", "expected ')' at column 27, found the end of the filter")]
    [InlineData("(key exists key exists)", "expected ')' at column 13, found 'key'")]
    [InlineData("key exists key exists", "expected 'and', 'or' or the end of the filter at column 12, found 'key'")]
    [InlineData("key exists)", "expected 'and', 'or' or the end of the filter at column 11, found ')'")]
    [InlineData("key = \"a\" \"b\"", "expected 'and', 'or' or the end of the filter at column 11, found the string \"b\"")]
    [InlineData("key = \"a\" not key exists", "expected 'and', 'or' or the end of the filter at column 11, found 'not'")]
    // header(NAME)
    [InlineData("header", "expected '(' after 'header' at column 7, found the end of the filter")]
    [InlineData("header type exists", "expected '(' after 'header' at column 8, found 'type'")]
    [InlineData("header() exists", "expected a header name at column 8, found ')'")]
    [InlineData("header(\"\") exists", "expected a header name at column 8, found the string \"\"")]
    [InlineData("header(=) exists", "expected a header name at column 8, found '='")]
    [InlineData("header(type", "expected ')' after the header name at column 12, found the end of the filter")]
    [InlineData("header(a b) exists", "expected ')' after the header name at column 10, found 'b'")]
    [InlineData("header(type exists", "expected ')' after the header name at column 13, found 'exists'")]
    // in (...)
    [InlineData("key in", "expected '(' after 'in' at column 7, found the end of the filter")]
    [InlineData("key in \"a\"", "expected '(' after 'in' at column 8, found the string \"a\"")]
    [InlineData("key in ()", "expected a string in double quotes in the list of the key at column 9, found ')'")]
    [InlineData("key in (a)", "expected a string in double quotes in the list of the key at column 9, found 'a'")]
    [InlineData("key in (\"a\",)", "expected a string in double quotes in the list of the key at column 13, found ')'")]
    [InlineData("header(t) in (1)", "expected a string in double quotes in the list of header(t) at column 15, found '1'")]
    [InlineData("key in (\"a\" \"b\")", "expected ',' or ')' in the list of the key at column 13, found the string \"b\"")]
    [InlineData("key in (\"a\"", "expected ',' or ')' in the list of the key at column 12, found the end of the filter")]
    // patterns
    [InlineData("key ~ \"\"", "bad pattern at column 7: a routing pattern must not be empty")]
    [InlineData("key exists or header(r) ~ \"\"", "bad pattern at column 27: a routing pattern must not be empty")]
    // columns count UTF-16 code units: the emoji takes two
    [InlineData("key = \"😀\" x", "expected 'and', 'or' or the end of the filter at column 12, found 'x'")]
    public void Invalid_filter_is_refused_with_a_clear_message(string text, string message)
        => AssertInvalid(text, message);

    [Fact]
    public void Null_is_an_empty_filter() => AssertInvalid(null!, "a filter must not be empty");

    [Fact]
    public void The_first_error_in_the_text_is_the_one_reported()
        => AssertInvalid("key = 'a' and header(", "unexpected character ''' at column 7");

    [Fact]
    public void Text_of_4096_bytes_is_accepted_and_4097_is_refused()
    {
        Assert.Equal(4096, MessageFilter.MaxBytes);
        AssertValid(KeyEquals(4096));
        AssertInvalid(KeyEquals(4097), "a filter may be at most 4096 bytes, not 4097");
        AssertInvalid(KeyEquals(65535), "a filter may be at most 4096 bytes, not 65535");
    }

    [Fact]
    public void Text_length_is_counted_in_utf8_bytes_not_characters()
    {
        // 8 bytes of `key = ""`, 2,044 two-byte characters and one one-byte: 4,097 bytes in 2,053 characters.
        string text = "key = \"" + new string('é', 2044) + "a\"";
        Assert.Equal(4097, Encoding.UTF8.GetByteCount(text));
        AssertInvalid(text, "a filter may be at most 4096 bytes, not 4097");
    }

    [Fact]
    public void Nesting_of_32_is_accepted_and_33_is_refused()
    {
        Assert.Equal(32, MessageFilter.MaxDepth);
        const string tooDeep = "a filter may nest 'not' and parentheses at most 32 deep";
        AssertValid(Parenthesised(32));
        AssertInvalid(Parenthesised(33), tooDeep);
        AssertValid(Negated(32));
        AssertInvalid(Negated(33), tooDeep);
        // `not` and parentheses count together.
        AssertValid(string.Concat(Enumerable.Repeat("not (", 16)) + "key exists" + new string(')', 16));
        AssertInvalid("not " + string.Concat(Enumerable.Repeat("not (", 16)) + "key exists" + new string(')', 16), tooDeep);
        // Siblings do not add up: depth is the deepest path, not the number of parentheses.
        AssertValid(string.Join(" or ", Enumerable.Repeat(Parenthesised(32), 2)));
    }

    [Fact]
    public void Sixty_four_conditions_are_accepted_and_65_are_refused()
    {
        Assert.Equal(64, MessageFilter.MaxConditions);
        AssertValid(Conditions(64, " or "));
        AssertInvalid(Conditions(65, " or "), "a filter may have at most 64 conditions");
        AssertInvalid(Conditions(65, " and "), "a filter may have at most 64 conditions");
        AssertInvalid("not (" + Conditions(64, " and ") + ") or header(h) exists", "a filter may have at most 64 conditions");
    }

    [Fact]
    public void A_missing_condition_after_64_is_reported_as_missing_not_as_one_too_many()
        => AssertInvalid(Conditions(64, " and ") + " and",
            $"expected 'key', 'header(NAME)', 'not' or '(' at column {Conditions(64, " and ").Length + 5}, found the end of the filter");

    [Fact]
    public void An_in_list_of_256_values_is_accepted_and_257_is_refused()
    {
        Assert.Equal(256, MessageFilter.MaxListValues);
        AssertValid(InList(256));
        AssertInvalid(InList(257), "an 'in' list may have at most 256 values");
        AssertInvalid(InList(300), "an 'in' list may have at most 256 values");
    }

    [Fact]
    public void Routing_pattern_of_1024_bytes_is_accepted_and_1025_is_refused()
    {
        AssertValid(KeyPattern(1024));
        AssertInvalid(KeyPattern(1025), "bad pattern at column 7: a routing pattern may be at most 1024 bytes, not 1025");
    }

    private static void AssertValid(string text)
    {
        Assert.True(MessageFilter.TryParse(text, out var filter, out string? error), error);
        Assert.NotNull(filter);
    }

    private static void AssertInvalid(string text, string message)
    {
        Assert.False(MessageFilter.TryParse(text, out var filter, out string? error));
        Assert.Null(filter);
        Assert.Equal(message, error);
        Assert.Equal(message, Assert.Throws<FormatException>(() => MessageFilter.Parse(text)).Message);
    }
}
