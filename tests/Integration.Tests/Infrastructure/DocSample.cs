using System.Runtime.CompilerServices;

namespace FastBroker.IntegrationTests.Infrastructure;

/// <summary>
/// Keeps a code sample in docs/ or README.md true: a test marks its lines with <c>// sample-begin</c> and <c>// sample-end</c>,
/// runs them against a real broker, and checks the document shows exactly those lines (less the test's indentation).
/// </summary>
internal static class DocSample
{
    /// <summary>The marked lines of the calling test file, unindented by <paramref name="indent"/> spaces.</summary>
    public static string Marked(int indent = 8, [CallerFilePath] string path = "")
    {
        var lines = File.ReadAllLines(path);
        int begin = Array.FindIndex(lines, l => l.Trim() == "// sample-begin");
        int end = Array.FindIndex(lines, l => l.Trim() == "// sample-end");
        if (begin < 0 || end <= begin) throw new InvalidOperationException($"{path} has no // sample-begin ... // sample-end block");
        var sample = new List<string>();
        foreach (string line in lines[(begin + 1)..end])
            sample.Add(line.Length >= indent ? line[indent..] : line.TrimStart());
        return string.Join('\n', sample) + "\n";
    }

    /// <summary>The text of docs/<paramref name="document"/>, with \n line endings.</summary>
    public static string Document(string document, [CallerFilePath] string path = "") =>
        RepositoryFile(Path.Combine("docs", document), path);

    /// <summary>The text of the repository's README.md, with \n line endings.</summary>
    public static string Readme([CallerFilePath] string path = "") => RepositoryFile("README.md", path);

    private static string RepositoryFile(string relativePath, string callerPath)
    {
        string? root = Path.GetDirectoryName(callerPath);
        while (root is not null && !File.Exists(Path.Combine(root, "FastBroker.sln"))) root = Path.GetDirectoryName(root);
        if (root is null) throw new InvalidOperationException($"no FastBroker.sln above {callerPath}");
        return File.ReadAllText(Path.Combine(root, relativePath)).ReplaceLineEndings("\n");
    }
}
