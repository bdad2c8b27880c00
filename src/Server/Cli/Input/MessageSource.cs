namespace FastBroker.Server.Cli.Input;

/// <summary>The messages <c>publish</c> sends, cut from a byte stream; each is a fresh array the producer may keep.</summary>
internal abstract class MessageSource
{
    /// <summary>The next message, or null at the end of the input. Throws <see cref="InvalidDataException"/> on input the format cannot read.</summary>
    public abstract ValueTask<byte[]?> NextAsync(CancellationToken cancellationToken);

    public static MessageSource Create(InputFormat format, Stream input) => format switch
    {
        InputFormat.Lines => new DelimitedMessageSource(input, (byte)'\n'),
        InputFormat.Nul => new DelimitedMessageSource(input, 0),
        InputFormat.File => new WholeInputMessageSource(input),
        InputFormat.LengthPrefixed => new LengthPrefixedMessageSource(input),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    public static bool TryParseFormat(string? text, out InputFormat format)
    {
        switch (text)
        {
            case "lines": format = InputFormat.Lines; return true;
            case "file": format = InputFormat.File; return true;
            case "nul": format = InputFormat.Nul; return true;
            case "length-prefixed": format = InputFormat.LengthPrefixed; return true;
            default: format = default; return false;
        }
    }
}
