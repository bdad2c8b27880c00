namespace FastBroker.Load.Targets;

/// <summary>How the harness drives FastBroker: producer batching and how consumers split the partitions.</summary>
public sealed record FastBrokerTargetOptions
{
    /// <summary>Producer batch size (<see cref="ClientLite.ProducerOptions.MaxBatchBytes"/>). Default 256 KiB.</summary>
    public int BatchBytes { get; init; } = 256 * 1024;

    /// <summary>Producer linger (<see cref="ClientLite.ProducerOptions.Linger"/>). Default 1 ms.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Consumers the run creates per group. FastBroker v1 has stream cursors, not per-message acks, so consumers
    /// cannot compete for messages: consumer i of N reads the partitions p with p % N == i. Default 1.
    /// </summary>
    public int ConsumersPerGroup { get; init; } = 1;

    /// <summary>The fsync policy the server was started with, as given to the harness (it cannot ask the server). Default "always".</summary>
    public string FsyncLabel { get; init; } = "always";

    /// <summary>How often a consumer commits its group position. Default 1 s.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Clock for linger, timeouts and commits. Default the system clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
