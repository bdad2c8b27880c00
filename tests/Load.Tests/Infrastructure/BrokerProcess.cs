using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace FastBroker.Load.Tests.Infrastructure;

/// <summary>
/// The real broker as a child process on 127.0.0.1 with a free port and a temp data directory, killed and its
/// directory removed on dispose. The harness never starts brokers itself; its smoke tests need one.
/// </summary>
public sealed partial class BrokerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly TempDirectory _data;
    private readonly StringBuilder _output;

    private BrokerProcess(Process process, TempDirectory data, IPEndPoint endpoint, StringBuilder output)
    {
        _process = process;
        _data = data;
        Endpoint = endpoint;
        _output = output;
    }

    public IPEndPoint Endpoint { get; }
    public string Address => Endpoint.ToString();
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<BrokerProcess> StartAsync(params string[] extraArgs)
    {
        var data = new TempDirectory("broker");
        var args = new List<string> { "serve", "--listen", "127.0.0.1:0", "--data", data.Path, "--log-level", "warning" };
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

        var winner = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (winner != ready.Task)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.Dispose();
            data.Dispose();
            string text;
            lock (output) text = output.ToString();
            throw new InvalidOperationException($"broker did not start:\n{text}");
        }
        return new BrokerProcess(process, data, ready.Task.Result, output);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _data.Dispose();
    }

    [GeneratedRegex(@"listening on (\S+)")]
    private static partial Regex ListeningLine();
}
