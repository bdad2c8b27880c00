using System.Text;

namespace FastBroker.Server.Cli;

/// <summary>
/// The streams a CLI run reads and writes, injected so every command runs in tests without a process. Messages are
/// bytes: <see cref="Input"/> and <see cref="Output"/> are the raw streams; <see cref="Out"/> writes UTF-8 text to
/// the same stdout (flush it before writing to <see cref="Output"/> directly).
/// </summary>
internal sealed class CliConsole(Stream input, Stream output, TextWriter error)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public Stream Input { get; } = input;

    public Stream Output { get; } = output;

    public TextWriter Out { get; } = new StreamWriter(output, Utf8, 4096, leaveOpen: true) { NewLine = "\n" };

    public TextWriter Error { get; } = error;

    /// <summary>Writes one "error: ..." line, the format scripts can grep for.</summary>
    public void Fail(string message) => Error.WriteLine($"error: {message}");

    /// <summary>Writes whatever is buffered to stdout.</summary>
    public async Task FlushAsync()
    {
        await Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        await Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
