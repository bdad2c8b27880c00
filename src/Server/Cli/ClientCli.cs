using System.CommandLine;
using System.CommandLine.Help;

namespace FastBroker.Server.Cli;

/// <summary>
/// The client side of the <c>fastbroker</c> command line: <c>topic create|alter|describe|list|delete</c>, <c>publish</c>,
/// <c>consume</c>, <c>queue create|stats</c>, <c>receive</c>, <c>dlq redrive</c> and <c>help</c>, plus <c>serve</c> (the broker itself), for people and scripts. Exit codes: 0 success, 1 failure (one "error: ..." line on stderr),
/// 2 bad usage.
/// </summary>
public static class ClientCli
{
    /// <summary>The command did what was asked.</summary>
    public const int ExitOk = 0;

    /// <summary>The command failed (unknown topic, broker unreachable, messages not acknowledged, ...).</summary>
    public const int ExitFailure = 1;

    /// <summary>The command line itself is wrong.</summary>
    public const int ExitUsage = 2;

    /// <summary>
    /// Runs one command. <paramref name="args"/> is the command line without the program name, e.g.
    /// <c>["topic", "create", "orders", "--partitions", "4"]</c>. All input and output goes through the given
    /// streams, so the whole command runs in-process (tests, embedding). Messages are read from and written to
    /// <paramref name="stdin"/> and <paramref name="stdout"/> as bytes, exactly as given.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, Stream stdin, Stream stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        var console = new CliConsole(stdin, stdout, stderr);
        try
        {
            return await RunAsync(args, console, ct).ConfigureAwait(false);
        }
        finally
        {
            await console.FlushAsync().ConfigureAwait(false);
        }
    }

    private static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken ct)
    {
        var serve = Hosting.ServeCommand.Build(console);
        var root = BuildRoot(console, serve);
        var parsed = Parse(root, args);
        if (parsed.Errors.Count > 0)
            return await UsageErrorAsync(console, parsed).ConfigureAwait(false);

        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            // serve stops itself on SIGTERM and Ctrl-C, flushing and fsyncing first: it must not be cut short.
            ProcessTerminationTimeout = parsed.CommandResult.Command == serve ? null : TimeSpan.FromSeconds(2),
        };
        return await parsed.InvokeAsync(invocation, ct).ConfigureAwait(false);
    }

    // "@file" response-file expansion is off: an argument such as a key may legitimately start with '@'.
    private static ParseResult Parse(RootCommand root, IReadOnlyList<string> args)
        => root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    private static async Task<int> UsageErrorAsync(CliConsole console, ParseResult parsed)
    {
        foreach (var error in parsed.Errors)
            console.Fail(error.Message);
        await console.Error.WriteLineAsync("Run 'fastbroker --help' for usage.").ConfigureAwait(false);
        return ExitUsage;
    }

    private static RootCommand BuildRoot(CliConsole console, Command serve)
    {
        var server = CliOptions.Server();
        var root = new RootCommand("FastBroker: a durable message broker. 'fastbroker serve' runs the broker; the other commands talk to one.");
        root.Subcommands.Add(serve);
        Command[] clients =
        [
            TopicCommands.Build(console, server),
            PublishCommand.Build(console, server),
            ConsumeCommand.Build(console, server),
            QueueCommands.BuildQueue(console, server),
            ReceiveCommand.Build(console, server),
            QueueCommands.BuildDeadLetter(console, server),
            GroupCommands.Build(console, server),
        ];
        foreach (var client in clients)
        {
            // On each client command rather than the root, so serve (which listens, not connects) has no --server.
            client.Options.Add(server);
            root.Subcommands.Add(client);
        }
        root.Subcommands.Add(BuildHelp(console, root));

        // No command at all: the help, as for "help", but it is still a usage error (exit 2), as git does.
        root.SetAction(result =>
        {
            new HelpAction().Invoke(result);
            return ExitUsage;
        });
        return root;
    }

    /// <summary><c>help [COMMAND...]</c>: the same text as <c>COMMAND... --help</c>.</summary>
    private static Command BuildHelp(CliConsole console, RootCommand root)
    {
        var help = new Command("help", "Show help for fastbroker or for a command, e.g. 'fastbroker help queue create'");
        var words = new Argument<string[]>("command") { Description = "The command to explain", Arity = ArgumentArity.ZeroOrMore };
        help.Arguments.Add(words);
        help.SetAction((result, ct) =>
        {
            string[] path = result.GetValue(words) ?? [];
            // "--help" wins over any error in the same command line, so the words are checked here: a word that is
            // not a command would otherwise be ignored and the parent's help printed.
            Command command = root;
            foreach (string word in path)
            {
                var next = command.Subcommands.FirstOrDefault(c => c.Name == word);
                if (next is null)
                {
                    console.Fail(command == root ? $"unknown command '{word}'" : $"'{command.Name}' has no command '{word}'");
                    console.Error.WriteLine("Run 'fastbroker --help' for usage.");
                    return Task.FromResult(ExitUsage);
                }
                command = next;
            }
            var inner = Parse(root, [.. path, "--help"]);
            return inner.Errors.Count > 0
                ? UsageErrorAsync(console, inner)
                : inner.InvokeAsync(result.InvocationConfiguration, ct);
        });
        return help;
    }
}
