using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace FastBroker.Server.Tests.Architecture;

/// <summary>
/// Arrows point one way (STYLE.md 23): Subscriptions depends on Topics, and Topics knows nothing of Subscriptions.
/// The compiler would accept the cycle, so this reads the sources: a <c>using</c>, a qualified name or a
/// <c>cref</c> of the namespace, or any type declared under <c>src/Server/Subscriptions</c>, named in code under
/// <c>src/Server/Topics</c>, fails it. Comments (but their <c>cref</c>s) and string literals are prose, not code.
/// </summary>
public sealed partial class FolderDependencyTests
{
    private const string SubscriptionsNamespace = "FastBroker.Server.Subscriptions";

    [Fact]
    public void Topics_mention_neither_the_Subscriptions_namespace_nor_its_types()
    {
        var types = TypesDeclaredIn(ServerFolder("Subscriptions"));
        var offences = new List<string>();
        foreach (string file in SourceFiles(ServerFolder("Topics")))
            foreach (string offence in Offences(File.ReadAllText(file), types))
                offences.Add($"{Path.GetFileName(file)}: {offence}");

        Assert.True(offences.Count == 0, "src/Server/Topics depends on Subscriptions:\n" + string.Join("\n", offences));
    }

    [Fact]
    public void The_scan_knows_the_Subscriptions_types_and_reads_the_Topics_sources()
    {
        var types = TypesDeclaredIn(ServerFolder("Subscriptions"));
        Assert.Superset(new HashSet<string> { "SubscriptionSet", "SharedSubscription", "SubscriptionRegistry", "SubscriptionContext", "QueueLimits", "AckLog" }, types);
        // Only type names: a stray word ("in", "var") would flag every file.
        Assert.All(types, type => Assert.True(char.IsUpper(type[0]), $"'{type}' is no type name"));
        var topics = SourceFiles(ServerFolder("Topics")).Select(Path.GetFileName).ToList();
        Assert.Contains("TopicRegistry.cs", topics);
        Assert.Contains("Topic.cs", topics);
    }

    public static TheoryData<string> Dependent => new()
    {
        "using FastBroker.Server.Subscriptions;",
        "using static FastBroker.Server.Subscriptions.QueueLimits;",
        "using Subs = FastBroker.Server.Subscriptions;",
        "var x = global::FastBroker.Server.Subscriptions.QueueLimits.Default;",
        "var limits = Subscriptions.QueueLimits.Default;",
        "public SubscriptionSet Subscriptions { get; } = new(directory);",
        "private readonly List<SharedSubscription> _all = [];",
        "internal sealed class X : IAckReplayTarget",
        "/// <summary>Closes the <see cref=\"SubscriptionSet\"/> first.</summary>",
        "var s = \"http://x\"; SubscriptionContext context = null!;",
    };

    public static TheoryData<string> Independent => new()
    {
        "// Subscriptions first: their moves append to partitions.",
        "/* SharedSubscription used to live here */",
        "/// <summary>What other folders keep per topic (their subscriptions) follows the topic's life.</summary>",
        "var settings = SubscriptionSettings.DefaultDeadLetterTopic(name, name);",
        "private readonly OneShotSignal _signal = new();",
        "var text = \"// SubscriptionSet\";",
        "foreach (var record in records) Count(record);",
    };

    [Theory]
    [MemberData(nameof(Dependent))]
    public void The_scan_flags_every_way_of_naming_Subscriptions(string code)
        => Assert.NotEmpty(Offences(code, TypesDeclaredIn(ServerFolder("Subscriptions"))));

    [Theory]
    [MemberData(nameof(Independent))]
    public void The_scan_leaves_prose_and_lookalike_names_alone(string code)
        => Assert.Empty(Offences(code, TypesDeclaredIn(ServerFolder("Subscriptions"))));

    private static IEnumerable<string> Offences(string source, IReadOnlySet<string> types)
    {
        // Doc references are real references; the rest of a comment is prose.
        var code = new List<string> { CommentOrString().Replace(source, " ") };
        foreach (Match cref in Cref().Matches(source)) code.Add(cref.Groups[1].Value);
        foreach (string text in code)
        {
            if (text.Contains(SubscriptionsNamespace, StringComparison.Ordinal))
                yield return $"names the namespace {SubscriptionsNamespace}";
            if (QualifiedByFolder().Match(text) is { Success: true } qualified)
                yield return $"names '{qualified.Value}'";
            foreach (Match word in Identifier().Matches(text))
                if (types.Contains(word.Value)) yield return $"names the type {word.Value}";
        }
    }

    private static HashSet<string> TypesDeclaredIn(string folder)
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in SourceFiles(folder))
        {
            // One type per file, named after it (STYLE.md 5), "Type.Concern.cs" for its parts; and whatever else
            // a file declares.
            types.Add(Path.GetFileName(file).Split('.')[0]);
            foreach (Match declaration in TypeDeclaration().Matches(CommentOrString().Replace(File.ReadAllText(file), " ")))
                types.Add(declaration.Groups[1].Value);
        }
        return types;
    }

    private static string[] SourceFiles(string folder)
    {
        Assert.True(Directory.Exists(folder), $"no folder {folder}");
        return Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
    }

    private static string ServerFolder(string name, [CallerFilePath] string here = "")
    {
        string? root = Path.GetDirectoryName(here);
        while (root is not null && !File.Exists(Path.Combine(root, "FastBroker.sln"))) root = Path.GetDirectoryName(root);
        Assert.NotNull(root);
        return Path.Combine(root, "src", "Server", name);
    }

    // String literals first, so a "//" inside one is not taken for a comment.
    [GeneratedRegex("""("(?:\\.|[^"\\\n])*")|//[^\n]*|/\*.*?\*/""", RegexOptions.Singleline)]
    private static partial Regex CommentOrString();

    [GeneratedRegex("cref=\"([^\"]*)\"")]
    private static partial Regex Cref();

    [GeneratedRegex(@"\bSubscriptions\s*\.\s*[A-Za-z_]\w*")]
    private static partial Regex QualifiedByFolder();

    [GeneratedRegex(@"[A-Za-z_]\w*")]
    private static partial Regex Identifier();

    // A declaration starts its line: modifiers, the kind, the name.
    [GeneratedRegex(@"^[ \t]*(?:(?:public|internal|private|protected|file|static|sealed|abstract|readonly|partial|ref|unsafe|new)\s+)*(?:class|struct|interface|enum|record(?:\s+struct|\s+class)?)\s+([A-Za-z_]\w*)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();
}
