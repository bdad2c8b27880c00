using System.Text;
using System.Text.RegularExpressions;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Tests.Vectors;

namespace FastBroker.Wire.Tests;

/// <summary>The request/reply header names and limits of PROTOCOL.md section 8.12.</summary>
public sealed class ReplyHeadersTests
{
    [Fact]
    public void The_header_names_are_the_rows_of_the_spec_table()
    {
        string text = File.ReadAllText(ProtocolDocument.Path);
        int start = text.IndexOf("### 8.12 ", StringComparison.Ordinal);
        int end = text.IndexOf("### 8.13 ", StringComparison.Ordinal);
        Assert.True(start > 0 && end > start, "PROTOCOL.md has no section 8.12");
        var names = Regex.Matches(text[start..end], @"^\| `([a-z-]+)`", RegexOptions.Multiline).Select(m => m.Groups[1].Value);

        Assert.Equal([ReplyHeaders.ReplyTo, ReplyHeaders.CorrelationId, ReplyHeaders.Error, ReplyHeaders.ErrorCode], names);
        Assert.Contains($"at most {ReplyHeaders.MaxErrorBytes}", text[start..end].ReplaceLineEndings(" "));
        Assert.Equal("fb-reply-error"u8, ReplyHeaders.ErrorUtf8);
        Assert.Equal("fb-reply-error-code"u8, ReplyHeaders.ErrorCodeUtf8);
    }

    [Theory]
    [InlineData("fb-correlation-id", true)]
    [InlineData("fb-reply-to", true)]
    [InlineData("fb-reply-error", true)]
    [InlineData("fb-reply-error-code", true)]
    [InlineData("fb-reply-", true)]
    [InlineData("fb-reply", false)]
    [InlineData("fb-correlation-id2", false)]
    [InlineData("Fb-Reply-To", false)]
    [InlineData("fb-dlq-reason", false)]
    [InlineData("", false)]
    public void Reserved_names_are_the_correlation_id_and_the_fb_reply_prefix(string name, bool reserved)
        => Assert.Equal(reserved, ReplyHeaders.IsReserved(name));

    [Theory]
    [InlineData("abc", 3, 3)]
    [InlineData("abc", 2, 2)]
    [InlineData("abc", 0, 0)]
    [InlineData("a€b", 4, 4)]   // a + the whole 3-byte euro sign
    [InlineData("a€b", 3, 1)]   // the cut would fall inside the euro sign
    [InlineData("a€b", 2, 1)]
    [InlineData("€", 2, 0)]
    [InlineData("a😀", 4, 1)]   // a 4-byte character is kept whole or not at all
    [InlineData("a😀", 5, 5)]
    public void TruncatedLength_never_splits_a_character(string text, int maxBytes, int expected)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        int length = ReplyHeaders.TruncatedLength(utf8, maxBytes);
        Assert.Equal(expected, length);
        Assert.True(Encoding.UTF8.GetString(utf8, 0, length) is var prefix && text.StartsWith(prefix, StringComparison.Ordinal));
    }
}
