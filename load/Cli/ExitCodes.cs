namespace FastBroker.Load.Cli;

/// <summary>The harness's exit codes, for scripts and CI.</summary>
internal static class ExitCodes
{
    /// <summary>The run completed and met every threshold given.</summary>
    public const int Ok = 0;

    /// <summary>The run failed: broker unreachable, a publish or consumer failed, consumers went idle, interrupted.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong (including a non-loopback host or an unknown target).</summary>
    public const int Usage = 2;

    /// <summary>The run completed but broke a --max-p99 or --min-throughput threshold (the report is written).</summary>
    public const int ThresholdBroken = 3;
}
