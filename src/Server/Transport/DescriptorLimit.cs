using System.Runtime.InteropServices;

namespace FastBroker.Server.Transport;

/// <summary>
/// How many connections fit under the process's open-file limit. Connections must never take the last
/// descriptors: the runtime, the journals and the reserve descriptor need some at any moment, and a .NET process
/// that cannot get one can fail fast ("Out of memory."). So the listener refuses connections past
/// <c>soft limit − descriptors open at start − <see cref="Headroom"/></c>, as it refuses past --max-connections.
/// </summary>
internal static unsafe partial class DescriptorLimit
{
    /// <summary>Descriptors kept free for everything that is not a connection.</summary>
    public const int Headroom = 32;

    private const int RlimitNoFile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, RLimit* limit);

    /// <summary>The soft open-file limit, or null when unknown or unlimited (not Linux, or no practical bound).</summary>
    public static long? SoftLimit()
    {
        if (!OperatingSystem.IsLinux()) return null;
        RLimit limit;
        if (GetRLimit(RlimitNoFile, &limit) != 0 || limit.Current >= int.MaxValue) return null;
        return (long)limit.Current;
    }

    /// <summary>Connections that fit beside what the process holds now and the headroom; int.MaxValue when unbounded.</summary>
    public static int ConnectionsThatFit()
    {
        if (SoftLimit() is not { } soft) return int.MaxValue;
        int open = Directory.GetFileSystemEntries("/proc/self/fd").Length;
        return (int)Math.Max(1, soft - open - Headroom);
    }
}
