using System.CommandLine;

namespace FastBroker.Server.Cli;

/// <summary>
/// The client side of the <c>fastbroker</c> command line: <c>topic create|list|delete</c>, <c>publish</c>,
/// <c>consume</c>, <c>queue create|stats</c>, <c>receive</c> and <c>dlq redrive</c>, for people and scripts. Exit codes: 0 success, 1 failure (one "error: ..." line on stderr),
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
    /// streams, so the whole command runs in-process (tests, embedding).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        var console = new CliConsole(stdin, stdout, stderr);
        var root = BuildRoot(console);
        // "@file" response-file expansion is off: an argument such as a key may legitimately start with '@'.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                console.Fail(error.Message);
            await stderr.WriteLineAsync("Run 'fastbroker --help' for usage.").ConfigureAwait(false);
            return ExitUsage;
        }

        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        return await parsed.InvokeAsync(invocation, ct).ConfigureAwait(false);
    }

    private static RootCommand BuildRoot(CliConsole console)
    {
        var server = CliOptions.Server();
        var root = new RootCommand("FastBroker: a durable message broker. 'fastbroker serve' runs the broker; the other commands talk to one.");
        root.Options.Add(server);
        root.Subcommands.Add(TopicCommands.Build(console, server));
        root.Subcommands.Add(PublishCommand.Build(console, server));
        root.Subcommands.Add(ConsumeCommand.Build(console, server));
        root.Subcommands.Add(QueueCommands.BuildQueue(console, server));
        root.Subcommands.Add(ReceiveCommand.Build(console, server));
        root.Subcommands.Add(QueueCommands.BuildDeadLetter(console, server));
        return root;
    }
}
