namespace FastBroker.Server.Cli;

/// <summary>The streams a CLI run reads and writes, injected so every command runs in tests without a process.</summary>
internal sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error)
{
    /// <summary>Writes one "error: ..." line, the format scripts can grep for.</summary>
    public void Fail(string message) => Error.WriteLine($"error: {message}");
}
