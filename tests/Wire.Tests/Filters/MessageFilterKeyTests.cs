using FastBroker.Wire.Tests.Support;

namespace FastBroker.Wire.Tests.Filters;

/// <summary>Each key test of PROTOCOL.md section 14 on records with a key, an empty key (a key) and no key.</summary>
public class MessageFilterKeyTests
{
    [Theory]
    [InlineData("key = \"user-7\"", "user-7", true)]
    [InlineData("key = \"user-7\"", "user-8", false)]
    [InlineData("key = \"user-7\"", "user-70", false)]
    [InlineData("key = \"user-7\"", "user-", false)]
    [InlineData("key = \"user-7\"", "User-7", false)]
    [InlineData("key = \"user-7\"", "", false)]
    [InlineData("key = \"user-7\"", null, false)]
    [InlineData("key = \"\"", "", true)]
    [InlineData("key = \"\"", "a", false)]
    [InlineData("key = \"\"", null, false)]
    [InlineData("key != \"user-7\"", "user-7", false)]
    [InlineData("key != \"user-7\"", "user-8", true)]
    [InlineData("key != \"user-7\"", "", true)]
    [InlineData("key != \"user-7\"", null, true)]
    [InlineData("key ^= \"user-\"", "user-7", true)]
    [InlineData("key ^= \"user-\"", "user-", true)]
    [InlineData("key ^= \"user-\"", "user", false)]
    [InlineData("key ^= \"user-\"", "xuser-7", false)]
    [InlineData("key ^= \"user-\"", null, false)]
    [InlineData("key ^= \"\"", "", true)]
    [InlineData("key ^= \"\"", "anything", true)]
    [InlineData("key ^= \"\"", null, false)]
    [InlineData("key ~ \"eu.*.created\"", "eu.fr.created", true)]
    [InlineData("key ~ \"eu.*.created\"", "eu.created", false)]
    [InlineData("key ~ \"eu.*.created\"", "eu.fr.de.created", false)]
    [InlineData("key ~ \"eu.*.created\"", "", false)]
    [InlineData("key ~ \"eu.*.created\"", null, false)]
    [InlineData("key ~ \"eu.#\"", "eu", true)]
    [InlineData("key ~ \"eu.#\"", "eu.fr.created", true)]
    [InlineData("key ~ \"eu.#\"", "europe", false)]
    [InlineData("key ~ \"eu.#\"", "us.eu", false)]
    [InlineData("key ~ \"#\"", "", true)]
    [InlineData("key ~ \"#\"", null, false)]
    [InlineData("key in (\"a\", \"b\", \"\")", "a", true)]
    [InlineData("key in (\"a\", \"b\", \"\")", "b", true)]
    [InlineData("key in (\"a\", \"b\", \"\")", "", true)]
    [InlineData("key in (\"a\", \"b\", \"\")", "c", false)]
    [InlineData("key in (\"a\", \"b\", \"\")", "ab", false)]
    [InlineData("key in (\"a\", \"b\", \"\")", null, false)]
    [InlineData("key in (\"a\")", "a", true)]
    [InlineData("key exists", "x", true)]
    [InlineData("key exists", "", true)]
    [InlineData("key exists", null, false)]
    [InlineData("not key exists", null, true)]
    [InlineData("not key exists", "", false)]
    public void Key_test_matches_as_specified(string filter, string? key, bool expected)
        => Assert.Equal(expected, SingleRecord.Matches(filter, key));

    [Fact]
    public void Key_comparison_is_by_bytes_so_any_key_bytes_can_be_matched()
    {
        byte[] key = [0xFF, (byte)'.', 0x00, (byte)'a'];
        Assert.True(SingleRecord.Matches("key exists", key));
        Assert.True(SingleRecord.Matches("key ~ \"*.#\"", key));
        Assert.False(SingleRecord.Matches("key ~ \"*\"", key));
        Assert.True(SingleRecord.Matches("key ^= \"\"", key));
        Assert.False(SingleRecord.Matches("key ^= \"a\"", key));
    }

    [Fact]
    public void Filter_strings_are_compared_as_their_utf8_bytes()
    {
        Assert.True(SingleRecord.Matches("key = \"é\"", [0xC3, 0xA9]));
        Assert.False(SingleRecord.Matches("key = \"é\"", [0xE9]), "Latin-1 é is not the UTF-8 é");
        Assert.False(SingleRecord.Matches("key = \"é\"", "e\u0301"), "no Unicode normalisation");
        Assert.True(SingleRecord.Matches("key ^= \"中\"", "中国"));
        Assert.True(SingleRecord.Matches("key = \"a\\\"b\\\\c\"", "a\"b\\c"));
    }
}
