namespace FastBroker.Server.Cli;

/// <summary>
/// Defaults that belong to the command line itself. Everything else a command defaults to comes from where it is
/// owned: a queue's settings from ClientLite's <c>QueueOptions</c>, the broker's from <c>ServerOptions</c>.
/// docs/DEFAULTS.md lists them all.
/// </summary>
internal static class CliDefaults
{
    /// <summary><c>topic create</c> and <c>queue create</c>: partitions of a new topic.</summary>
    public const int Partitions = 1;

    /// <summary><c>consume</c> stops when nothing arrives for this long.</summary>
    public static readonly TimeSpan ConsumeIdleTimeout = TimeSpan.FromSeconds(5);

    /// <summary><c>receive</c>: messages asked for.</summary>
    public const int ReceiveMax = 1;

    /// <summary><c>receive</c> returns at once when the queue is empty.</summary>
    public static readonly TimeSpan ReceiveWait = TimeSpan.Zero;
}
