using FastBroker.Server.Cli;

namespace FastBroker.Server.Tests.Cli;

/// <summary>Runs <see cref="ClientCli.RunAsync"/> in-process on byte streams, as the binary does on its stdin and stdout.</summary>
internal static class CliRun
{
    public static async Task<(int ExitCode, byte[] Out, string Error)> BytesAsync(byte[] stdin, string[] args)
    {
        using var input = new MemoryStream(stdin);
        using var output = new MemoryStream();
        using var error = new StringWriter();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        int code = await ClientCli.RunAsync(args, input, output, error, limit.Token);
        return (code, output.ToArray(), error.ToString());
    }
}
