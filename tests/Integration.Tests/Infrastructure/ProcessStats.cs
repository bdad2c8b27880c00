namespace FastBroker.IntegrationTests.Infrastructure;

/// <summary>What Linux says about a process: resident memory (VmRSS, VmHWM), CPU time, open descriptors.</summary>
public static class ProcessStats
{
    public static long ResidentBytes(int pid) => StatusKiB(pid, "VmRSS:") * 1024;

    public static long PeakResidentBytes(int pid) => StatusKiB(pid, "VmHWM:") * 1024;

    public static int OpenDescriptors(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    /// <summary>User plus system CPU time the process has used.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static long StatusKiB(int pid, string key)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0]);
        throw new InvalidOperationException($"{key} not in /proc/{pid}/status");
    }
}
