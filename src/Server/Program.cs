using FastBroker.Server.Cli;

namespace FastBroker.Server;

/// <summary>One binary: <c>fastbroker serve</c> runs the broker; every other command is a client of one.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        // Messages are bytes: stdin and stdout are used as streams, never through a text decoder.
        await using var stdin = Console.OpenStandardInput();
        await using var stdout = new BufferedStream(Console.OpenStandardOutput(), 64 * 1024);
        return await ClientCli.RunAsync(args, stdin, stdout, Console.Error, cancel.Token).ConfigureAwait(false);
    }
}
