using FastBroker.Server.Hosting;

namespace FastBroker.Server;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] == "serve")
            return await ServeCommand.RunAsync(args.Length == 0 ? [] : args[1..], Console.Out, Console.Error).ConfigureAwait(false);
        Console.Error.WriteLine($"error: unknown command '{args[0]}'");
        return 2;
    }
}
