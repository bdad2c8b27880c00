using FastBroker.Server.Cli;
using FastBroker.Server.Hosting;

namespace FastBroker.Server;

/// <summary>One binary: <c>fastbroker serve</c> runs the broker; every other command is a client of one.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] == "serve")
            return await ServeCommand.RunAsync(args.Length == 0 ? [] : args[1..], Console.Out, Console.Error).ConfigureAwait(false);

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await ClientCli.RunAsync(args, Console.In, Console.Out, Console.Error, cancel.Token).ConfigureAwait(false);
    }
}
