using System.CommandLine;
using FastBroker.Load.Runs;
using FastBroker.Load.Scenarios;

namespace FastBroker.Load.Cli;

/// <summary>
/// The harness command line: one command per scenario (<c>publish</c>, <c>consume</c>, <c>e2e</c>, <c>latency</c>)
/// and <c>report --combine</c>. Progress goes to stderr, the result table and report paths to stdout.
/// </summary>
internal static class LoadCli
{
    /// <summary>What parsing a scenario command line gave: settings, or the errors that stop it.</summary>
    public sealed record ParseOutcome(RunSettings? Settings, IReadOnlyList<string> Errors);

    /// <summary>Runs the command line <paramref name="args"/> (without the program name); returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken,
        LoadRunner? runner = null)
    {
        runner ??= new LoadRunner(stdout, stderr);
        var (root, _) = Build(stdout, stderr, runner);
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
            return await UsageErrorAsync(stderr, parsed.Errors.Select(e => e.Message)).ConfigureAwait(false);
        // Signals are the caller's to handle (LoadProgram turns them into cancellation): the run must get to write its report.
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parses a scenario command line without running anything (what tests check).</summary>
    public static ParseOutcome Parse(string[] args)
    {
        var (root, options) = Build(TextWriter.Null, TextWriter.Null, runner: null);
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
            return new ParseOutcome(null, parsed.Errors.Select(e => e.Message).ToList());
        var scenario = ScenarioCatalog.Find(parsed.CommandResult.Command.Name);
        if (scenario is null)
            return new ParseOutcome(null, [$"'{parsed.CommandResult.Command.Name}' is not a scenario"]);
        var errors = new List<string>();
        var settings = options[scenario.Name].Bind(parsed, scenario, errors);
        return new ParseOutcome(settings, errors);
    }

    /// <summary>The command tree; each scenario command has its own option set (an option belongs to one command).</summary>
    private static (RootCommand Root, Dictionary<string, RunOptions> Options) Build(TextWriter stdout, TextWriter stderr, LoadRunner? runner)
    {
        var optionSets = new Dictionary<string, RunOptions>(StringComparer.Ordinal);
        var root = new RootCommand("FastBroker load harness: runs a scenario against a broker on this machine and writes NAME.md, NAME.json and NAME.html. "
            + "Exit codes: 0 ok, 1 run failed, 2 bad usage, 3 a --max-p99 or --min-throughput threshold broken.");
        foreach (var scenario in ScenarioCatalog.All)
        {
            var options = new RunOptions();
            var command = new Command(scenario.Name, scenario.Description);
            options.AddTo(command, scenario);
            command.SetAction(async (parsed, cancellationToken) =>
            {
                var errors = new List<string>();
                var settings = options.Bind(parsed, scenario, errors);
                if (settings is null)
                    return await UsageErrorAsync(stderr, errors).ConfigureAwait(false);
                return runner is null ? ExitCodes.Ok : await runner.RunAsync(settings, cancellationToken).ConfigureAwait(false);
            });
            root.Subcommands.Add(command);
            optionSets[scenario.Name] = options;
        }
        root.Subcommands.Add(ReportCommand.Build(stdout, stderr));
        return (root, optionSets);
    }

    private static async Task<int> UsageErrorAsync(TextWriter stderr, IEnumerable<string> errors)
    {
        foreach (string error in errors)
            await stderr.WriteLineAsync($"error: {error}").ConfigureAwait(false);
        await stderr.WriteLineAsync("Run 'load --help' or 'load SCENARIO --help' for usage.").ConfigureAwait(false);
        return ExitCodes.Usage;
    }
}
