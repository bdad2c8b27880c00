using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace FastBroker.Testing;

/// <summary>
/// The real broker as a child process on 127.0.0.1 with a free port and a temp data directory. Uses the native
/// binary named by FASTBROKER_BIN when set (CI points it at the AOT build), else the framework-dependent build.
/// Always stopped on dispose; the data directory is removed unless kept for a restart.
/// </summary>
public sealed partial class BrokerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly bool _ownsDataDirectory;

    private BrokerProcess(Process process, string dataDirectory, IPEndPoint endpoint, bool ownsDataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
        Endpoint = endpoint;
        _ownsDataDirectory = ownsDataDirectory;
    }

    public string DataDirectory { get; }
    public IPEndPoint Endpoint { get; }
    public string Address => Endpoint.ToString();
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;

    /// <summary>Starts a broker. Pass <paramref name="dataDirectory"/> to reuse one (a restart); the caller then owns it.</summary>
    public static async Task<BrokerProcess> StartAsync(string? dataDirectory = null, int port = 0, params string[] extraArgs)
    {
        bool owns = dataDirectory is null;
        dataDirectory ??= TempDirectories.Create("broker");
        var args = new List<string> { "serve", "--listen", $"127.0.0.1:{port}", "--data", dataDirectory, "--log-level", "debug" };
        args.AddRange(extraArgs);
        var psi = BrokerBinary.StartInfo(args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the broker");
        var output = new StringBuilder();
        var ready = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        void OnLine(string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
            var match = ListeningLine().Match(line);
            if (match.Success) ready.TrySetResult(IPEndPoint.Parse(match.Groups[1].Value));
        }

        var exited = process.WaitForExitAsync();
        var winner = await Task.WhenAny(ready.Task, exited, Task.Delay(StartTimeout));
        if (winner != ready.Task)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            string text;
            lock (output) text = output.ToString();
            throw new InvalidOperationException($"broker did not start (exit: {process.HasExited}):\n{text}");
        }
        var broker = new BrokerProcess(process, dataDirectory, ready.Task.Result, owns);
        lock (output) broker._output.Append(output);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (broker._output) broker._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (broker._output) broker._output.AppendLine(e.Data); };
        return broker;
    }

    /// <summary>SIGTERM and wait for a clean exit; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            SendSignal(_process.Id, 15);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        return _process.ExitCode;
    }

    /// <summary>kill -9: no flush, no fsync, no goodbye.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        SendSignal(_process.Id, 9);
        await _process.WaitForExitAsync();
    }

    private static void SendSignal(int pid, int signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {pid}") { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (_ownsDataDirectory) TempDirectories.Delete(DataDirectory);
    }

    [GeneratedRegex(@"listening on (\S+)")]
    private static partial Regex ListeningLine();
}
