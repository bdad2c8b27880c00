namespace FastBroker.Server.Cli.Output;

/// <summary>How <c>consume</c> and <c>receive</c> print messages (<c>--format</c>).</summary>
internal enum OutputFormat
{
    /// <summary>Each payload's bytes as stored, then '\n'.</summary>
    Raw,

    /// <summary>One JSON object per line with the message's coordinates, key, headers and value.</summary>
    Json,
}
