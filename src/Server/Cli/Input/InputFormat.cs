namespace FastBroker.Server.Cli.Input;

/// <summary>How <c>publish</c> cuts its input into messages (<c>--input</c>).</summary>
internal enum InputFormat
{
    /// <summary>One message per line: the bytes before each '\n', kept exactly (a '\r' before the '\n' stays).</summary>
    Lines,

    /// <summary>The whole input is one message.</summary>
    File,

    /// <summary>One message per NUL-terminated (or NUL-separated) run of bytes, as <c>find -print0</c> writes.</summary>
    Nul,

    /// <summary>Each message is a little-endian u32 length, then that many bytes.</summary>
    LengthPrefixed,
}
