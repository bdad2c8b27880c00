namespace FastBroker.Load.Reports;

/// <summary>A phase reported apart from the measured one (the fill before a consume run).</summary>
public sealed class PhaseOutcome
{
    /// <summary>Messages in the phase.</summary>
    public long Messages { get; init; }

    /// <summary>Length of the phase, seconds.</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>Messages per second in the phase.</summary>
    public double MessagesPerSecond { get; init; }
}
