using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests.Infrastructure;

/// <summary>
/// The real broker started under a low open-file limit (<c>bash -c 'ulimit -n N; exec BINARY serve ...'</c>), on
/// 127.0.0.1 with a free port and its own temp data directory; always killed and cleaned up on dispose.
/// </summary>
public sealed partial class LimitedBroker : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _output;

    private LimitedBroker(Process process, StringBuilder output, string dataDirectory, IPEndPoint endpoint)
    {
        _process = process;
        _output = output;
        DataDirectory = dataDirectory;
        Endpoint = endpoint;
    }

    public string DataDirectory { get; }
    public IPEndPoint Endpoint { get; }
    public string Address => Endpoint.ToString();
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<LimitedBroker> StartAsync(int openFiles, params string[] extraArgs)
    {
        string data = TempDirectories.Create("limited");
        var broker = BrokerBinary.StartInfo(["serve", "--listen", "127.0.0.1:0", "--data", data, "--log-level", "debug", .. extraArgs]);
        var psi = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"ulimit -n {openFiles} && exec \"$0\" \"$@\"");
        psi.ArgumentList.Add(broker.FileName);
        foreach (string arg in broker.ArgumentList) psi.ArgumentList.Add(arg);

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

        var winner = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (winner != ready.Task)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            TempDirectories.Delete(data);
            lock (output) throw new InvalidOperationException($"broker under ulimit -n {openFiles} did not start:\n{output}");
        }
        return new LimitedBroker(process, output, data, ready.Task.Result);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        TempDirectories.Delete(DataDirectory);
    }

    [GeneratedRegex(@"listening on (\S+)")]
    private static partial Regex ListeningLine();
}
