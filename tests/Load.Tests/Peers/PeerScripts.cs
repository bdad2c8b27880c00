using System.Diagnostics;
using System.Text;

namespace FastBroker.Load.Tests.Peers;

/// <summary>Runs load/peers/start.sh and stop.sh with a given environment, bounded in time.</summary>
public static class PeerScripts
{
    /// <summary>Longest a script may run; start-up waits inside the scripts are bounded well below this.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(100);

    public static string ScriptsDirectory { get; } = FindScripts();

    public static Task<ScriptResult> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] names) =>
        RunAsync("start.sh", environment, names);

    public static Task<ScriptResult> StopAsync(IReadOnlyDictionary<string, string> environment, params string[] names) =>
        RunAsync("stop.sh", environment, names);

    private static async Task<ScriptResult> RunAsync(string script, IReadOnlyDictionary<string, string> environment, string[] names)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(ScriptsDirectory, script));
        foreach (string name in names)
            start.ArgumentList.Add(name);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        // Tests never install packages: a missing peer fails the script with a message saying how to install it.
        start.Environment["FASTBROKER_PEERS_NO_INSTALL"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Append(output, $"{script} killed after {Timeout.TotalSeconds:F0}s");
            return new ScriptResult(-1, Snapshot(output));
        }
        // The parameterless wait also drains the redirected output.
        await process.WaitForExitAsync();
        return new ScriptResult(process.ExitCode, Snapshot(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.AppendLine(line);
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
            return output.ToString();
    }

    private static string FindScripts()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "load", "peers");
            if (File.Exists(Path.Combine(candidate, "start.sh")))
                return candidate;
        }
        throw new InvalidOperationException($"load/peers/start.sh not found above {AppContext.BaseDirectory}");
    }
}
