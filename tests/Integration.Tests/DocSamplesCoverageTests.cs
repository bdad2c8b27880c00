using FastBroker.IntegrationTests.Infrastructure;

namespace FastBroker.IntegrationTests;

/// <summary>
/// Every C# block of README.md and docs/*.md is a marked sample of some test here, which runs it and checks the
/// document shows it verbatim; a block added without such a test fails this.
/// </summary>
public sealed class DocSamplesCoverageTests
{
    [Fact]
    public void Every_csharp_block_of_the_docs_is_run_by_a_test()
    {
        string root = DocSample.RepositoryRoot();
        var documents = new List<string> { Path.Combine(root, "README.md") };
        documents.AddRange(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal));
        var blocks = documents
            .SelectMany(d => DocBlocks.CSharp(Path.GetRelativePath(root, d), File.ReadAllText(d)))
            .ToList();

        string tests = Path.Combine(root, "tests", "Integration.Tests");
        var samples = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(Path.GetRelativePath(tests, f)))
            .SelectMany(DocSample.AllMarked)
            .ToList();

        // Guards against a guard that checks nothing: the docs have C# blocks, and the tests mark samples.
        Assert.True(blocks.Count >= 10, $"found only {blocks.Count} C# blocks");
        Assert.True(samples.Count >= 10, $"found only {samples.Count} marked samples");
        var notRun = DocBlocks.NotRun(blocks, samples);
        Assert.True(notRun.Count == 0,
            "C# blocks that no test runs (mark the code with // sample-begin: NAME ... // sample-end in a test that runs it):\n"
            + string.Join('\n', notRun));
    }

    [Fact]
    public void A_block_counts_only_when_a_sample_is_all_of_it_or_all_but_a_small_preamble()
    {
        const string markdown = """
            Text.

            ```csharp
            var a = 1;
            ```

            ```cs
            var b = 2;
            ```

              ```C#
              using System;
              string server = "x";
              var c = 3;
              ```

            ```c#
            int one = 1;
            int two = 2;
            var d = 4;
            ```

            ```
            var e = 5;
            ```

            ```sql
            SELECT 1;
            ```
            """;
        var blocks = DocBlocks.CSharp("doc.md", markdown);
        Assert.Equal([3, 7, 11, 17], blocks.Select(b => b.Line));
        Assert.Equal("using System;\nstring server = \"x\";\nvar c = 3;\n", blocks[2].Text);

        var notRun = DocBlocks.NotRun(blocks, ["var a = 1;\n", "var c = 3;\n", "var d = 4;\n", "var b"]);
        Assert.Equal(["doc.md:7: var b = 2;", "doc.md:17: int one = 1;"], notRun.Select(b => b.ToString()));
    }

    private static bool IsBuildOutput(string relativePath) =>
        relativePath.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
        || relativePath.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
