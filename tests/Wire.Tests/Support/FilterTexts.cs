namespace FastBroker.Wire.Tests.Support;

/// <summary>Filters of a given size, to test the limits of PROTOCOL.md section 14.4 at and just over each one.</summary>
internal static class FilterTexts
{
    /// <summary><c>key = "aaa…"</c> of exactly <paramref name="totalBytes"/> bytes (at least 8).</summary>
    public static string KeyEquals(int totalBytes) => "key = \"" + new string('a', totalBytes - 8) + "\"";

    /// <summary><c>key ~ "aaa…"</c> whose pattern has <paramref name="patternBytes"/> bytes; the pattern starts at column 7.</summary>
    public static string KeyPattern(int patternBytes) => "key ~ \"" + new string('a', patternBytes) + "\"";

    /// <summary>One condition inside <paramref name="depth"/> pairs of parentheses.</summary>
    public static string Parenthesised(int depth) => new string('(', depth) + "key exists" + new string(')', depth);

    /// <summary>One condition under <paramref name="depth"/> <c>not</c>s.</summary>
    public static string Negated(int depth) => string.Concat(Enumerable.Repeat("not ", depth)) + "key exists";

    /// <summary><paramref name="count"/> key conditions joined by <paramref name="separator"/> (" and " or " or ").</summary>
    public static string Conditions(int count, string separator)
        => string.Join(separator, Enumerable.Range(0, count).Select(i => $"key = \"k{i}\""));

    /// <summary><c>key in ("v0", "v1", …)</c> with <paramref name="values"/> values.</summary>
    public static string InList(int values) => "key in (" + string.Join(", ", Enumerable.Range(0, values).Select(i => $"\"v{i}\"")) + ")";
}
