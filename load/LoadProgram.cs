using FastBroker.Load.Cli;

namespace FastBroker.Load;

/// <summary>
/// <c>dotnet run -c Release --project load -- SCENARIO [options]</c> (publish, consume, e2e, latency) against a
/// broker already running on this machine, or <c>... -- report --combine DIR</c>. See load/README.md.
/// </summary>
public static class LoadProgram
{
    /// <summary>Entry point; returns the exit code (0 ok, 1 run failed, 2 bad usage, 3 threshold broken).</summary>
    public static Task<int> Main(string[] args)
        => LoadCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
}
