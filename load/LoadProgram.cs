using System.Runtime.InteropServices;
using FastBroker.Load.Cli;

namespace FastBroker.Load;

/// <summary>
/// <c>dotnet run -c Release --project load -- SCENARIO [options]</c> (publish, consume, e2e, latency) against a
/// broker already running on this machine, or <c>... -- report --combine DIR</c>. See load/README.md.
/// </summary>
public static class LoadProgram
{
    /// <summary>Entry point; returns the exit code (0 ok, 1 run failed, 2 bad usage, 3 threshold broken).</summary>
    public static async Task<int> Main(string[] args)
    {
        // Ctrl-C or SIGTERM stops the run and still writes its report (marked interrupted); a second one ends the
        // process at once.
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            if (stop.IsCancellationRequested)
                return;
            context.Cancel = true;
            stop.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        return await LoadCli.RunAsync(args, Console.Out, Console.Error, stop.Token).ConfigureAwait(false);
    }
}
