namespace FastBroker.Load.Reports;

/// <summary>A threshold given on the command line and how the run measured against it.</summary>
public sealed class ThresholdOutcome
{
    /// <summary>The option: "max-p99" or "min-throughput".</summary>
    public string Name { get; init; } = "";

    /// <summary>The limit, as text with its unit.</summary>
    public string Limit { get; init; } = "";

    /// <summary>What the run measured, as text with its unit.</summary>
    public string Measured { get; init; } = "";

    /// <summary>True when the run met the threshold.</summary>
    public bool Passed { get; init; }
}
