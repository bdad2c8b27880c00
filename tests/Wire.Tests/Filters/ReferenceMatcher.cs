namespace FastBroker.Wire.Tests.Filters;

/// <summary>
/// Routing-pattern matching written straight from its definition, recursively over words: slow (exponential on
/// many <c>#</c>), obviously right, and only for comparing with <c>RoutingPattern</c> on small inputs.
/// </summary>
internal static class ReferenceMatcher
{
    public static bool Matches(string pattern, string name) => Matches(pattern.Split('.'), 0, name.Split('.'), 0);

    private static bool Matches(string[] pattern, int p, string[] name, int n)
    {
        if (p == pattern.Length) return n == name.Length;
        if (pattern[p] == "#")
            return Matches(pattern, p + 1, name, n) || (n < name.Length && Matches(pattern, p, name, n + 1));
        if (n == name.Length) return false;
        return (pattern[p] == "*" || pattern[p] == name[n]) && Matches(pattern, p + 1, name, n + 1);
    }
}
