namespace FastBroker.Load.Scenarios;

/// <summary>The words reports use for what ended a run.</summary>
internal static class EndReasons
{
    /// <summary>Every message of --count went through.</summary>
    public const string CountReached = "count reached";

    /// <summary>--duration elapsed first.</summary>
    public const string DurationElapsed = "duration elapsed";

    /// <summary>The broker or a client failed, or consumers went idle.</summary>
    public const string Error = "error";

    /// <summary>Stopped by Ctrl-C or SIGTERM.</summary>
    public const string Interrupted = "interrupted";
}
