namespace FastBroker.IntegrationTests.Infrastructure;

/// <summary>A fenced C# block of a Markdown document: the 1-based line of its opening fence and its text.</summary>
internal sealed record DocBlock(string Document, int Line, string Text)
{
    public string FirstLine => Text.Split('\n')[0];

    public override string ToString() => $"{Document}:{Line}: {FirstLine}";
}

/// <summary>
/// Finds the C# code blocks of Markdown documents and tells which of them no test runs. A block counts as run when a
/// marked sample (<see cref="DocSample"/>) is the whole block, or its end with only a preamble before it: <c>using</c>
/// directives, blank lines and at most one other line, the value the test supplies itself (README.md's
/// <c>server</c>, which tests/package-smoke.sh runs as it stands).
/// </summary>
internal static class DocBlocks
{
    private static readonly string[] CSharpFences = ["```csharp", "```cs", "```c#"];

    public static IReadOnlyList<DocBlock> CSharp(string document, string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<DocBlock>();
        for (int i = 0; i < lines.Length; i++)
        {
            string fence = lines[i].TrimStart();
            if (!fence.StartsWith("```", StringComparison.Ordinal)) continue;
            int close = Array.FindIndex(lines, i + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
            if (close < 0) close = lines.Length;
            if (IsCSharp(fence))
            {
                int indent = lines[i].Length - fence.Length;
                var body = lines[(i + 1)..close].Select(l => l.Length >= indent ? l[indent..] : l.TrimStart());
                blocks.Add(new DocBlock(document, i + 1, string.Join('\n', body) + "\n"));
            }
            i = close;   // a fence inside another block's text is text
        }
        return blocks;
    }

    public static IReadOnlyList<DocBlock> NotRun(IEnumerable<DocBlock> blocks, IReadOnlyCollection<string> samples) =>
        blocks.Where(block => !samples.Any(sample => IsRunBy(block.Text, sample))).ToList();

    private static bool IsCSharp(string fence)
    {
        string info = fence[3..].Trim();
        int space = info.IndexOfAny([' ', '\t', '{']);
        if (space >= 0) info = info[..space];
        return CSharpFences.Any(f => string.Equals(f[3..], info, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsRunBy(string block, string sample)
    {
        if (sample.Trim().Length == 0) return false;
        if (block == sample) return true;
        if (!block.EndsWith(sample, StringComparison.Ordinal)) return false;
        string preamble = block[..^sample.Length];
        if (!preamble.EndsWith('\n')) return false;
        int other = preamble.TrimEnd('\n').Split('\n')
            .Count(l => l.Trim().Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal));
        return other <= 1;
    }
}
