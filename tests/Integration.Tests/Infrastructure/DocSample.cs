using System.Runtime.CompilerServices;

namespace FastBroker.IntegrationTests.Infrastructure;

/// <summary>
/// Keeps a code sample in docs/ or README.md true: a test marks its lines with <c>// sample-begin</c> (or
/// <c>// sample-begin: NAME</c>, when a file holds several) and <c>// sample-end</c>, runs them against a real broker,
/// and checks the document shows exactly those lines (less the test's indentation).
/// </summary>
internal static class DocSample
{
    private const string Begin = "// sample-begin";
    private const string End = "// sample-end";

    /// <summary>The first unnamed marked block of the calling test file, unindented by <paramref name="indent"/> spaces.</summary>
    public static string Marked(int indent = 8, [CallerFilePath] string path = "") => Extract(path, Begin, indent);

    /// <summary>The block marked <c>// sample-begin: <paramref name="name"/></c> in the calling test file.</summary>
    public static string Marked(string name, int indent = 8, [CallerFilePath] string path = "") =>
        Extract(path, $"{Begin}: {name}", indent);

    /// <summary>The block marked <c>// sample-begin: <paramref name="name"/></c> in <paramref name="file"/>, next to the calling file.</summary>
    public static string MarkedIn(string file, string name, int indent, [CallerFilePath] string path = "") =>
        Extract(Path.Combine(Path.GetDirectoryName(path)!, file), $"{Begin}: {name}", indent);

    /// <summary>
    /// Every marked block of the file at <paramref name="path"/>, each unindented by its own marker's indentation
    /// (which is what the tests pass to <see cref="Marked(int, string)"/>).
    /// </summary>
    public static IReadOnlyList<string> AllMarked(string path)
    {
        var lines = File.ReadAllLines(path);
        var samples = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            string marker = lines[i].Trim();
            if (marker != Begin && !marker.StartsWith(Begin + ":", StringComparison.Ordinal)) continue;
            int indent = lines[i].Length - lines[i].TrimStart().Length;
            samples.Add(Unindent(lines, i, EndOf(lines, i, path), indent));
        }
        return samples;
    }

    /// <summary>The text of docs/<paramref name="document"/>, with \n line endings.</summary>
    public static string Document(string document, [CallerFilePath] string path = "") =>
        RepositoryFile(Path.Combine("docs", document), path);

    /// <summary>The text of the repository's README.md, with \n line endings.</summary>
    public static string Readme([CallerFilePath] string path = "") => RepositoryFile("README.md", path);

    /// <summary>The repository's root directory (the one holding FastBroker.sln), found above the calling file.</summary>
    public static string RepositoryRoot([CallerFilePath] string path = "")
    {
        string? root = Path.GetDirectoryName(path);
        while (root is not null && !File.Exists(Path.Combine(root, "FastBroker.sln"))) root = Path.GetDirectoryName(root);
        return root ?? throw new InvalidOperationException($"no FastBroker.sln above {path}");
    }

    private static string Extract(string path, string marker, int indent)
    {
        var lines = File.ReadAllLines(path);
        int begin = Array.FindIndex(lines, l => l.Trim() == marker);
        if (begin < 0) throw new InvalidOperationException($"{path} has no {marker} ... {End} block");
        return Unindent(lines, begin, EndOf(lines, begin, path), indent);
    }

    private static int EndOf(string[] lines, int begin, string path)
    {
        int end = Array.FindIndex(lines, begin + 1, l => l.Trim() == End);
        if (end < 0) throw new InvalidOperationException($"{path}:{begin + 1} starts a sample that no {End} closes");
        return end;
    }

    private static string Unindent(string[] lines, int begin, int end, int indent)
    {
        var sample = new List<string>();
        foreach (string line in lines[(begin + 1)..end])
            sample.Add(line.Length >= indent ? line[indent..] : line.TrimStart());
        return string.Join('\n', sample) + "\n";
    }

    private static string RepositoryFile(string relativePath, string callerPath) =>
        File.ReadAllText(Path.Combine(RepositoryRoot(callerPath), relativePath)).ReplaceLineEndings("\n");
}
