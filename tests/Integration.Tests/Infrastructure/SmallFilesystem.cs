using System.Diagnostics;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests.Infrastructure;

/// <summary>
/// A real, small filesystem for full-disk tests: a tmpfs of a few MiB mounted on a temp directory (root only), always
/// unmounted on dispose. A filler file stands for "the rest of the disk" and is deleted to give space back.
/// </summary>
public sealed class SmallFilesystem : IDisposable
{
    private SmallFilesystem(string root) => Root = root;

    public string Root { get; }

    /// <summary>Bytes available to an unprivileged writer now (statvfs f_bavail).</summary>
    public long FreeBytes => new DriveInfo(Root).AvailableFreeSpace;

    public string PathOf(string name) => System.IO.Path.Combine(Root, name);

    /// <summary>Mounts a tmpfs of <paramref name="mebibytes"/> MiB; null, with the reason, when this process cannot.</summary>
    public static SmallFilesystem? TryMount(int mebibytes, out string reason)
    {
        reason = "";
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            reason = "mounting a tmpfs needs root on Linux";
            return null;
        }
        string root = TempDirectories.Create("smallfs");
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={mebibytes}m", "tmpfs", root);
        if (code == 0) return new SmallFilesystem(root);
        TempDirectories.Delete(root);
        reason = $"mount -t tmpfs failed ({code}): {output}";
        return null;
    }

    /// <summary>Writes a file of <paramref name="bytes"/> bytes (non-zero, so tmpfs really allocates it).</summary>
    public void Fill(string name, long bytes)
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)0xA5);
        using var stream = new FileStream(PathOf(name), FileMode.Create, FileAccess.Write);
        for (long written = 0; written < bytes; written += chunk.Length)
            stream.Write(chunk, 0, (int)Math.Min(chunk.Length, bytes - written));
        stream.Flush(flushToDisk: true);
    }

    public void Delete(string name) => File.Delete(PathOf(name));

    public void Dispose()
    {
        // A lazy unmount still detaches the tree when a straggling process holds a file in it.
        if (Run("umount", Root).Code != 0) Run("umount", "-l", Root);
        TempDirectories.Delete(Root);
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30))) process.Kill();
        return (process.ExitCode, output.Trim());
    }
}
