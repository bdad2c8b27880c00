using System.Diagnostics;

namespace FastBroker.Testing;

/// <summary>Where the broker binary is: FASTBROKER_BIN (a native AOT build) or the framework-dependent build output.</summary>
public static class BrokerBinary
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        string? native = Environment.GetEnvironmentVariable("FASTBROKER_BIN");
        ProcessStartInfo psi;
        if (!string.IsNullOrEmpty(native))
        {
            psi = new ProcessStartInfo(native);
        }
        else
        {
            psi = new ProcessStartInfo("dotnet");
            psi.ArgumentList.Add(ManagedDll());
        }
        foreach (string arg in args) psi.ArgumentList.Add(arg);
        psi.UseShellExecute = false;
        return psi;
    }

    private static string ManagedDll()
    {
        string dir = AppContext.BaseDirectory;
        string configuration = dir.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        string root = RepoRoot();
        string dll = Path.Combine(root, "src", "Server", "bin", configuration, "net10.0", "fastbroker.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"broker build not found at {dll}; build the solution (or the test project) first");
        return dll;
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FastBroker.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("FastBroker.sln not found above the test output");
    }
}
