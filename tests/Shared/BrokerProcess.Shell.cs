using System.Diagnostics;
using System.Net;
using System.Text;

namespace FastBroker.Testing;

public sealed partial class BrokerProcess
{
    /// <summary>The broker's process id (for /proc/PID/status and /proc/PID/fd).</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts a broker through <c>bash -c 'ulimit -n LIMIT; exec broker serve ...'</c>, so it runs with a low
    /// open-file limit; exec keeps the process id, so signals and /proc reach the broker itself.
    /// </summary>
    public static async Task<BrokerProcess> StartWithFileLimitAsync(int openFileLimit, params string[] extraArgs)
    {
        string dataDirectory = TempDirectories.Create("broker");
        var args = new List<string> { "serve", "--listen", "127.0.0.1:0", "--data", dataDirectory, "--log-level", "debug" };
        args.AddRange(extraArgs);
        var inner = BrokerBinary.StartInfo(args);
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"ulimit -n {openFileLimit} && exec \"$0\" \"$@\"");
        psi.ArgumentList.Add(inner.FileName);
        foreach (string arg in inner.ArgumentList) psi.ArgumentList.Add(arg);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the broker");
        var output = new StringBuilder();
        var ready = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        BrokerProcess? broker = null;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        void OnLine(string? line)
        {
            if (line is null) return;
            lock (output)
            {
                if (broker is not null)
                {
                    lock (broker._output) broker._output.AppendLine(line);
                    return;
                }
                output.AppendLine(line);
            }
            var match = ListeningLine().Match(line);
            if (match.Success) ready.TrySetResult(IPEndPoint.Parse(match.Groups[1].Value));
        }

        var winner = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (winner != ready.Task)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            string text;
            lock (output) text = output.ToString();
            TempDirectories.Delete(dataDirectory);
            throw new InvalidOperationException($"broker did not start under ulimit -n {openFileLimit} (exit: {process.HasExited}):\n{text}");
        }
        lock (output)
        {
            broker = new BrokerProcess(process, dataDirectory, ready.Task.Result, ownsDataDirectory: true);
            broker._output.Append(output);
        }
        return broker;
    }
}
