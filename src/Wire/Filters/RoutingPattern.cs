using System.Text;

namespace FastBroker.Wire.Filters;

/// <summary>
/// A routing pattern in the style of RabbitMQ topic exchanges and NATS subjects, matched against a dot-separated
/// name (a message key or a topic name): <c>*</c> stands for exactly one word, <c>#</c> for zero or more words, any
/// other word matches itself. <c>eu.*.created</c> matches <c>eu.fr.created</c>; <c>eu.#</c> matches <c>eu</c>,
/// <c>eu.fr</c> and <c>eu.fr.created</c>. Wildcards are whole words: <c>eu*</c> is the literal word <c>eu*</c>.
/// </summary>
/// <remarks>
/// Parsed once, matched many times: <see cref="Matches(ReadOnlySpan{byte})"/> allocates nothing and takes time
/// proportional to the name's length times the pattern's words at worst (one backtracking point, as glob matching).
/// Instances are immutable and safe to share between threads.
/// </remarks>
public sealed class RoutingPattern
{
    /// <summary>Longest pattern accepted, in UTF-8 bytes.</summary>
    public const int MaxBytes = 1024;

    private readonly byte[][] _words;
    private readonly WordKind[] _kinds;

    private RoutingPattern(string text, byte[][] words, WordKind[] kinds)
    {
        Text = text;
        _words = words;
        _kinds = kinds;
        IsLiteral = Array.IndexOf(kinds, WordKind.One) < 0 && Array.IndexOf(kinds, WordKind.Any) < 0;
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>True when the pattern has no wildcard word, so it matches exactly one name: itself.</summary>
    public bool IsLiteral { get; }

    /// <summary>True when <paramref name="text"/> contains a wildcard word (<c>*</c> or <c>#</c>).</summary>
    public static bool HasWildcard(string text)
    {
        foreach (var word in text.Split('.'))
            if (word is "*" or "#") return true;
        return false;
    }

    /// <summary>Parses a pattern; false, with the reason in <paramref name="error"/>, when it is empty or too long.</summary>
    public static bool TryParse(string text, out RoutingPattern? pattern, out string? error)
    {
        pattern = null;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "a routing pattern must not be empty";
            return false;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > MaxBytes)
        {
            error = $"a routing pattern may be at most {MaxBytes} bytes, not {bytes.Length}";
            return false;
        }
        string[] parts = text.Split('.');
        var words = new byte[parts.Length][];
        var kinds = new WordKind[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            kinds[i] = parts[i] switch { "*" => WordKind.One, "#" => WordKind.Any, _ => WordKind.Literal };
            words[i] = Encoding.UTF8.GetBytes(parts[i]);
        }
        pattern = new RoutingPattern(text, words, kinds);
        return true;
    }

    /// <summary>Parses a pattern, throwing <see cref="FormatException"/> when <see cref="TryParse"/> would fail.</summary>
    public static RoutingPattern Parse(string text)
        => TryParse(text, out var pattern, out string? error) ? pattern! : throw new FormatException(error);

    /// <summary>Matches a name given as UTF-8 bytes.</summary>
    public bool Matches(ReadOnlySpan<byte> name)
    {
        // Words of the pattern against words of the name, as glob matching treats characters: `#` may absorb any
        // number of name words, and on a later mismatch the last `#` absorbs one more and matching resumes after it.
        int p = 0;
        int at = 0;
        bool nameDone = false;
        int starP = -1;
        int starAt = 0;
        bool starNameDone = false;
        while (true)
        {
            if (p < _kinds.Length && _kinds[p] == WordKind.Any)
            {
                starP = p++;
                starAt = at;
                starNameDone = nameDone;
                continue;
            }
            if (nameDone && p == _kinds.Length) return true;
            if (!nameDone && p < _kinds.Length)
            {
                int end = WordEnd(name, at);
                if (_kinds[p] == WordKind.One || name[at..end].SequenceEqual(_words[p]))
                {
                    p++;
                    Step(name, end, ref at, ref nameDone);
                    continue;
                }
            }
            if (starP < 0 || starNameDone) return false;
            // The last `#` takes one more word of the name.
            Step(name, WordEnd(name, starAt), ref starAt, ref starNameDone);
            p = starP + 1;
            at = starAt;
            nameDone = starNameDone;
        }
    }

    /// <summary>Matches a name given as text (topic names are ASCII).</summary>
    public bool Matches(string name)
    {
        int count = Encoding.UTF8.GetByteCount(name);
        Span<byte> bytes = count <= 256 ? stackalloc byte[count] : new byte[count];
        Encoding.UTF8.GetBytes(name, bytes);
        return Matches(bytes);
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static int WordEnd(ReadOnlySpan<byte> name, int at)
    {
        int dot = name[at..].IndexOf((byte)'.');
        return dot < 0 ? name.Length : at + dot;
    }

    // Moves past the word ending at `end`: to the next word after its dot, or past the last word.
    private static void Step(ReadOnlySpan<byte> name, int end, ref int at, ref bool done)
    {
        if (end == name.Length) done = true;
        else at = end + 1;
    }

    private enum WordKind : byte { Literal, One, Any }
}
