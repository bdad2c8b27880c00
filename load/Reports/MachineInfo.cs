namespace FastBroker.Load.Reports;

/// <summary>The machine and runtime a run ran on.</summary>
public sealed class MachineInfo
{
    /// <summary>Logical processors visible to the load generator (shared with the broker on one machine).</summary>
    public int ProcessorCount { get; init; }

    /// <summary>Operating system description.</summary>
    public string OperatingSystem { get; init; } = "";

    /// <summary>.NET runtime description.</summary>
    public string Runtime { get; init; } = "";

    /// <summary>Describes the current machine.</summary>
    public static MachineInfo Current() => new()
    {
        ProcessorCount = Environment.ProcessorCount,
        OperatingSystem = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        Runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
    };
}
