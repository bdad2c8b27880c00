using System.Text;
using FastBroker.Wire.Filters;
using FastBroker.Wire.Tests.Support;

namespace FastBroker.Wire.Tests.Filters;

/// <summary>
/// Routing patterns as PROTOCOL.md section 14 defines them: names and patterns are split at every dot into words;
/// <c>*</c> is one word, <c>#</c> zero or more, any other word itself. Checked on chosen cases and, against an
/// obviously correct recursive matcher, on seeded random ones.
/// </summary>
public class RoutingPatternTests
{
    [Theory]
    // literal words
    [InlineData("orders", "orders", true)]
    [InlineData("orders", "order", false)]
    [InlineData("orders", "orders.eu", false)]
    [InlineData("orders", "Orders", false)]
    [InlineData("a.b.c", "a.b.c", true)]
    [InlineData("a.b.c", "a.b", false)]
    // * is exactly one word
    [InlineData("*", "a", true)]
    [InlineData("*", "a.b", false)]
    [InlineData("eu.*.created", "eu.fr.created", true)]
    [InlineData("eu.*.created", "eu.created", false)]
    [InlineData("eu.*.created", "eu.fr.de.created", false)]
    [InlineData("*.*", "a.b", true)]
    [InlineData("*.*", "a", false)]
    [InlineData("*.b", "a.b", true)]
    [InlineData("a.*", "a.b", true)]
    [InlineData("a.*", "a", false)]
    // # at the end, start and middle
    [InlineData("#", "a", true)]
    [InlineData("#", "a.b.c", true)]
    [InlineData("eu.#", "eu", true)]
    [InlineData("eu.#", "eu.fr", true)]
    [InlineData("eu.#", "eu.fr.created", true)]
    [InlineData("eu.#", "us.fr", false)]
    [InlineData("eu.#", "europe", false)]
    [InlineData("#.created", "created", true)]
    [InlineData("#.created", "eu.fr.created", true)]
    [InlineData("#.created", "eu.fr.created.x", false)]
    [InlineData("#.created", "precreated", false)]
    [InlineData("eu.#.created", "eu.created", true)]
    [InlineData("eu.#.created", "eu.fr.created", true)]
    [InlineData("eu.#.created", "eu.fr.de.created", true)]
    [InlineData("eu.#.created", "eu.fr.de.deleted", false)]
    [InlineData("eu.#.created", "us.fr.created", false)]
    // several #
    [InlineData("#.#", "a", true)]
    [InlineData("#.a.#", "a", true)]
    [InlineData("#.a.#", "x.y.a.z", true)]
    [InlineData("#.a.#", "x.y.z", false)]
    [InlineData("#.a.#.b.#", "a.b", true)]
    [InlineData("#.a.#.b.#", "b.a", false)]
    [InlineData("#.a.#.b.#", "x.a.y.a.z.b.w", true)]
    [InlineData("a.#.#.b", "a.b", true)]
    [InlineData("#.*", "a", true)]
    [InlineData("#.*", "a.b.c", true)]
    [InlineData("*.#.*", "a", false)]
    [InlineData("*.#.*", "a.b", true)]
    [InlineData("#.*.#.*.#", "a", false)]
    [InlineData("#.*.#.*.#", "a.b", true)]
    // wildcards are whole words: anything else with * or # in it is a literal word
    [InlineData("eu*", "eu*", true)]
    [InlineData("eu*", "eu1", false)]
    [InlineData("eu*", "eu", false)]
    [InlineData("#a", "#a", true)]
    [InlineData("#a", "a", false)]
    [InlineData("**", "**", true)]
    [InlineData("**", "ab", false)]
    [InlineData("a.*b.c", "a.*b.c", true)]
    [InlineData("a.*b.c", "a.xb.c", false)]
    [InlineData("a.b#", "a.b#", true)]
    [InlineData("a.b#", "a.b.c", false)]
    // a name's literal * and # words are just words
    [InlineData("a.*", "a.*", true)]
    [InlineData("a.b", "a.*", false)]
    [InlineData("#", "#", true)]
    // empty words: "" is one empty word, "." two, "a..b" three
    [InlineData("#", "", true)]
    [InlineData("*", "", true)]
    [InlineData("a", "", false)]
    [InlineData("*", ".", false)]
    [InlineData("*.*", ".", true)]
    [InlineData(".", ".", true)]
    [InlineData(".", "", false)]
    [InlineData("a..b", "a..b", true)]
    [InlineData("a..b", "a.b", false)]
    [InlineData("a.*.b", "a..b", true)]
    [InlineData("a.#.b", "a..b", true)]
    [InlineData("a.", "a.", true)]
    [InlineData("a.", "a", false)]
    [InlineData("a.#", "a.", true)]
    [InlineData(".a", ".a", true)]
    [InlineData("*.a", ".a", true)]
    [InlineData("#.#", "", true)]
    [InlineData("a.#", "a..", true)]
    [InlineData("a.*", "a..", false)]
    // multi-byte words
    [InlineData("é.*", "é.中", true)]
    [InlineData("é.*", "e.中", false)]
    public void Pattern_matches_as_specified(string pattern, string name, bool expected)
    {
        var parsed = RoutingPattern.Parse(pattern);
        Assert.Equal(expected, parsed.Matches(name));
        Assert.Equal(expected, parsed.Matches(Encoding.UTF8.GetBytes(name)));
        Assert.Equal(expected, ReferenceMatcher.Matches(pattern, name));
    }

    [Fact]
    public void Many_hashes_against_a_long_name_are_answered_correctly()
    {
        // Exponential for naive backtracking; the matcher keeps one backtracking point.
        string longName = string.Join('.', Enumerable.Repeat("a", 2000));
        var pattern = RoutingPattern.Parse("#.#.#.#.#.x");
        Assert.False(pattern.Matches(longName));
        Assert.True(pattern.Matches(longName + ".x"));
        Assert.False(pattern.Matches(longName + ".x.a"));

        var alternating = RoutingPattern.Parse(string.Join('.', Enumerable.Repeat("#.a", 40)) + ".b");
        Assert.False(alternating.Matches(longName));
        Assert.True(alternating.Matches(longName + ".b"));
        Assert.False(RoutingPattern.Parse(string.Join('.', Enumerable.Repeat("#.a", 40))).Matches(string.Join('.', Enumerable.Repeat("a", 39))));
        Assert.True(RoutingPattern.Parse(string.Join('.', Enumerable.Repeat("#.a", 40))).Matches(string.Join('.', Enumerable.Repeat("a", 40))));
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Matcher_agrees_with_the_reference_on_random_patterns_and_names(int seed)
    {
        var random = new RandomData(seed);
        int matched = 0;
        for (int i = 0; i < 5_000; i++)
        {
            string[] name = Words(random, NameWords, 8);
            // Half the patterns are made from the name, or almost none would match.
            IEnumerable<string> words = random.Chance(0.5) ? Derived(random, name) : Words(random, PatternWords, 6);
            string pattern = string.Join('.', words);
            if (pattern.Length == 0) continue; // the one invalid pattern
            string nameText = string.Join('.', name);
            bool expected = ReferenceMatcher.Matches(pattern, nameText);
            var parsed = RoutingPattern.Parse(pattern);
            Assert.True(expected == parsed.Matches(Encoding.UTF8.GetBytes(nameText)), $"pattern '{pattern}', name '{nameText}': expected {expected}");
            Assert.True(expected == parsed.Matches(nameText), $"pattern '{pattern}', name '{nameText}' as a string");
            if (expected) matched++;
        }
        // Both answers must be well represented, or the comparison proves little.
        Assert.InRange(matched, 1_000, 4_000);
    }

    [Fact]
    public void Matches_of_a_string_and_of_its_utf8_bytes_agree_beyond_the_stack_buffer()
    {
        // Names over 256 bytes take the heap path of Matches(string).
        string name = string.Join('.', Enumerable.Repeat("中文", 60));
        Assert.True(Encoding.UTF8.GetByteCount(name) > 256);
        foreach (string pattern in new[] { "#", "中文.#", "#.中文", "*", "#.x", "#.中文.*" })
        {
            var parsed = RoutingPattern.Parse(pattern);
            Assert.Equal(parsed.Matches(Encoding.UTF8.GetBytes(name)), parsed.Matches(name));
            Assert.Equal(ReferenceMatcher.Matches(pattern, name), parsed.Matches(name));
        }
    }

    [Theory]
    [InlineData("orders", true)]
    [InlineData("a.b.c", true)]
    [InlineData("eu*", true)]
    [InlineData("a..b", true)]
    [InlineData("*", false)]
    [InlineData("#", false)]
    [InlineData("a.*.c", false)]
    [InlineData("a.#", false)]
    public void IsLiteral_is_true_only_without_wildcard_words(string pattern, bool literal)
    {
        Assert.Equal(literal, RoutingPattern.Parse(pattern).IsLiteral);
        Assert.Equal(!literal, RoutingPattern.HasWildcard(pattern));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("a*", false)]
    [InlineData("#a", false)]
    [InlineData("a.b", false)]
    [InlineData("*", true)]
    [InlineData("a.#", true)]
    [InlineData("#.a", true)]
    [InlineData("a.*.b", true)]
    public void HasWildcard_looks_for_whole_wildcard_words(string text, bool expected)
        => Assert.Equal(expected, RoutingPattern.HasWildcard(text));

    [Fact]
    public void Pattern_must_be_1_to_1024_utf8_bytes()
    {
        AssertInvalid("", "a routing pattern must not be empty");
        AssertInvalid(null!, "a routing pattern must not be empty");
        Assert.True(RoutingPattern.TryParse(new string('a', 1024), out _, out _));
        AssertInvalid(new string('a', 1025), "a routing pattern may be at most 1024 bytes, not 1025");
        Assert.True(RoutingPattern.TryParse(new string('é', 512), out _, out _));
        AssertInvalid(new string('é', 513), "a routing pattern may be at most 1024 bytes, not 1026");
    }

    [Fact]
    public void A_parsed_pattern_keeps_its_text()
    {
        var pattern = RoutingPattern.Parse("eu.#");
        Assert.Equal("eu.#", pattern.Text);
        Assert.Equal("eu.#", pattern.ToString());
    }

    private static void AssertInvalid(string text, string message)
    {
        Assert.False(RoutingPattern.TryParse(text, out var pattern, out string? error));
        Assert.Null(pattern);
        Assert.Equal(message, error);
        Assert.Equal(message, Assert.Throws<FormatException>(() => RoutingPattern.Parse(text)).Message);
    }

    private static readonly string[] PatternWords = ["a", "b", "", "*", "#", "ab", "a*"];
    private static readonly string[] NameWords = ["a", "b", "", "ab", "*", "#", "a*"];

    private static string[] Words(RandomData random, string[] words, int maxWords)
    {
        var picked = new string[random.Int(1, maxWords + 1)];
        for (int i = 0; i < picked.Length; i++)
            picked[i] = words[random.Int(0, words.Length)];
        return picked;
    }

    // The name's words, each kept, replaced by a wildcard, swallowed by a `#` with the next ones, or changed.
    private static List<string> Derived(RandomData random, string[] name)
    {
        var pattern = new List<string>();
        for (int i = 0; i < name.Length; i++)
        {
            switch (random.Int(0, 10))
            {
                case < 5: pattern.Add(name[i]); break;
                case < 7: pattern.Add("*"); break;
                case 7:
                    pattern.Add("#");
                    i += random.Int(0, 3) - 1;
                    break;
                case 8:
                    pattern.Add("#");
                    pattern.Add(name[i]);
                    break;
                default: pattern.Add(PatternWords[random.Int(0, PatternWords.Length)]); break;
            }
        }
        if (random.Chance(0.1)) pattern.Add("#");
        return pattern;
    }
}
