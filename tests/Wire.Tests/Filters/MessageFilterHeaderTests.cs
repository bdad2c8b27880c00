using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;
using static FastBroker.Wire.Tests.Support.SingleRecord;

namespace FastBroker.Wire.Tests.Filters;

/// <summary>Each header test of PROTOCOL.md section 14: exact names, repeated headers, absent headers, raw value bytes.</summary>
public class MessageFilterHeaderTests
{
    private static readonly RecordHeader[] None = [];

    public static TheoryData<string, RecordHeader[], bool> Cases() => new()
    {
        { "header(type) = \"created\"", [Header("type", "created")], true },
        { "header(type) = \"created\"", [Header("type", "deleted")], false },
        { "header(type) = \"created\"", [Header("type", "created-2")], false },
        { "header(type) = \"created\"", [Header("type", "")], false },
        { "header(type) = \"created\"", None, false },
        { "header(type) = \"created\"", [Header("other", "created")], false },
        { "header(type) = \"created\"", [Header("Type", "created")], false },
        { "header(type) = \"created\"", [Header("type", "deleted"), Header("type", "created")], true },
        { "header(type) = \"created\"", [Header("type", "created"), Header("type", "deleted")], true },
        { "header(type) = \"\"", [Header("type", "")], true },
        { "header(type) != \"created\"", [Header("type", "created")], false },
        { "header(type) != \"created\"", [Header("type", "deleted")], true },
        { "header(type) != \"created\"", None, true },
        { "header(type) != \"created\"", [Header("other", "x")], true },
        { "header(type) != \"created\"", [Header("type", "deleted"), Header("type", "created")], false },
        { "header(type) ^= \"cre\"", [Header("type", "created")], true },
        { "header(type) ^= \"cre\"", [Header("type", "cr")], false },
        { "header(type) ^= \"cre\"", [Header("type", "x"), Header("type", "crest")], true },
        { "header(type) ^= \"cre\"", None, false },
        { "header(type) ^= \"\"", [Header("type", "")], true },
        { "header(route) ~ \"eu.*\"", [Header("route", "eu.fr")], true },
        { "header(route) ~ \"eu.*\"", [Header("route", "eu")], false },
        { "header(route) ~ \"eu.*\"", [Header("route", "eu"), Header("route", "eu.de")], true },
        { "header(route) ~ \"#\"", [Header("route", "")], true },
        { "header(route) ~ \"#\"", None, false },
        { "header(type) in (\"a\", \"b\")", [Header("type", "b")], true },
        { "header(type) in (\"a\", \"b\")", [Header("type", "c")], false },
        { "header(type) in (\"a\", \"b\")", [Header("type", "c"), Header("type", "a")], true },
        { "header(type) in (\"a\", \"b\")", None, false },
        { "header(type) exists", [Header("type", "")], true },
        { "header(type) exists", [Header("a", "1"), Header("type", "2")], true },
        { "header(type) exists", [Header("types", "1")], false },
        { "header(type) exists", None, false },
        { "not header(type) exists", None, true },
        { "not header(type) exists", [Header("type", "x")], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Header_test_matches_as_specified(string filter, RecordHeader[] headers, bool expected)
    {
        Assert.Equal(expected, Matches(filter, "k", headers));
        // The key plays no part in a header test.
        Assert.Equal(expected, Matches(filter, (string?)null, headers));
    }

    [Theory]
    [InlineData("header(fb-expires) exists", "fb-expires")]
    [InlineData("header(a.b_c-9) exists", "a.b_c-9")]
    [InlineData("header(123) exists", "123")]
    [InlineData("header(key) exists", "key")]
    [InlineData("header(and) exists", "and")]
    [InlineData("header(\"and\") exists", "and")]
    [InlineData("header(\"x y\") exists", "x y")]
    [InlineData("header(\"a(b)=c\") exists", "a(b)=c")]
    [InlineData("header(\"é\") exists", "é")]
    [InlineData("header(\"a\\\"b\\\\c\") exists", "a\"b\\c")]
    [InlineData("header( type ) exists", "type")]
    public void Bare_and_quoted_header_names_name_the_header(string filter, string name)
    {
        Assert.True(Matches(filter, "k", Header(name, "v")));
        Assert.False(Matches(filter, "k", Header(name + "x", "v")));
    }

    [Fact]
    public void Header_names_are_case_sensitive_though_keywords_are_not()
    {
        Assert.True(Matches("HEADER(Type) EXISTS", "k", Header("Type", "v")));
        Assert.False(Matches("HEADER(Type) EXISTS", "k", Header("type", "v")));
    }

    [Fact]
    public void Header_values_with_arbitrary_bytes_are_compared_as_bytes()
    {
        byte[] value = [0xFF, 0x00, (byte)'a', 0xC3];
        RecordHeader[] headers = [Header("h", value)];
        Assert.True(Matches("header(h) exists", "k", headers));
        Assert.True(Matches("header(h) ^= \"\"", "k", headers));
        Assert.False(Matches("header(h) = \"a\"", "k", headers));
        Assert.False(Matches("header(h) ^= \"a\"", "k", headers));
        Assert.True(Matches("header(h) ~ \"*\"", "k", headers));
        Assert.True(Matches("header(h) = \"é\"", "k", Header("h", new byte[] { 0xC3, 0xA9 })));
        Assert.False(Matches("header(h) = \"é\"", "k", Header("h", new byte[] { 0xE9 })));
        Assert.True(Matches("header(h) ^= \"a\"", "k", Header("h", new byte[] { (byte)'a', 0xFF, 0xFE })));
    }

    [Fact]
    public void Header_test_reads_every_header_after_a_long_run_of_other_names()
    {
        var headers = new RecordHeader[300];
        for (int i = 0; i < headers.Length; i++)
            headers[i] = Header("h" + i, "v" + i);
        Assert.True(Matches("header(h299) = \"v299\"", "k", headers));
        Assert.False(Matches("header(h299) = \"v298\"", "k", headers));
        Assert.False(Matches("header(h300) exists", "k", headers));
    }
}
