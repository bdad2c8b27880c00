using System.Diagnostics;
using System.Text;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests.Infrastructure;

/// <summary>Runs the `fastbroker` binary as a separate process, as a person or a script would.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public sealed record BytesResult(int ExitCode, byte[] Stdout, string Stderr);

    /// <summary>A client command against <paramref name="server"/>, with text in and out.</summary>
    public static async Task<Result> RunAsync(string server, string? stdin, params string[] args)
    {
        var run = await RunBinaryAsync([.. args, "--server", server], stdin is null ? null : Encoding.UTF8.GetBytes(stdin));
        return new Result(run.ExitCode, Encoding.UTF8.GetString(run.Stdout), run.Stderr);
    }

    /// <summary>
    /// The binary with exactly <paramref name="args"/>: stdin gets <paramref name="stdin"/> (then end of input), stdout is
    /// kept as bytes. Killed, with a <see cref="TimeoutException"/>, if it runs for over a minute.
    /// </summary>
    public static async Task<BytesResult> RunBinaryAsync(string[] args, byte[]? stdin, string? workingDirectory = null)
    {
        var psi = BrokerBinary.StartInfo(args);
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var process = Process.Start(psi)!;
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"fastbroker {string.Join(' ', args)} did not finish");
        }
        await copy;
        return new BytesResult(process.ExitCode, stdout.ToArray(), await stderr);
    }
}
