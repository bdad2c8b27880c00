using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FastBroker.Server.Durability;

/// <summary>
/// The few libc calls the journal needs that .NET does not expose: fdatasync (RandomAccess.FlushToDisk is a full
/// fsync, which also flushes timestamps), pwritev without a per-call allocation, fsync of a directory, and statvfs
/// for the free-space watermark.
/// Source-generated, so native AOT needs no runtime marshalling. Linux only.
/// </summary>
internal static unsafe partial class LibC
{
    public const int EINTR = 4;
    public const int ENFILE = 23;
    public const int EMFILE = 24;
    public const int ENOSPC = 28;
    public const int EDQUOT = 122;

    /// <summary>Linux IOV_MAX: the most buffers one pwritev accepts.</summary>
    public const int MaxIoVectors = 1024;

    private const int O_RDONLY = 0;
    private const int O_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int FDataSync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "pwritev", SetLastError = true)]
    public static partial nint PWriteV(SafeFileHandle fd, IoVector* vectors, int count, long offset);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatVfs(string path, byte* buffer);

    // struct statvfs on 64-bit Linux (glibc and musl): f_bsize, f_frsize, f_blocks, f_bfree, f_bavail, ... each 8
    // bytes; 112 bytes in all. The buffer is larger so a libc with a longer tail cannot write past it.
    private const int StatVfsBufferBytes = 256;
    private const int FrameSizePosition = 8;
    private const int AvailableBlocksPosition = 32;

    /// <summary>Bytes an unprivileged process may still allocate on the filesystem holding <paramref name="path"/>
    /// (f_bavail × f_frsize).</summary>
    public static long AvailableBytes(string path)
    {
        byte* buffer = stackalloc byte[StatVfsBufferBytes];
        if (StatVfs(path, buffer) != 0) throw Error("statvfs", path);
        ulong frameSize = *(ulong*)(buffer + FrameSizePosition);
        ulong available = *(ulong*)(buffer + AvailableBlocksPosition);
        ulong bytes = frameSize * available;
        return bytes > long.MaxValue || (frameSize != 0 && bytes / frameSize != available) ? long.MaxValue : (long)bytes;
    }

    /// <summary>True for the errors that mean "the device (or the quota) is full": freeing space is the remedy.</summary>
    public static bool IsOutOfSpace(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is IOException { HResult: ENOSPC or EDQUOT }) return true;
            // .NET's own file APIs report errno in the message rather than always in HResult.
            if (e is IOException && (e.Message.Contains("No space left on device", StringComparison.Ordinal)
                || e.Message.Contains("Disk quota exceeded", StringComparison.Ordinal))) return true;
        }
        return false;
    }

    /// <summary>fsyncs a directory so that entries created or removed in it survive a crash.</summary>
    public static void SyncDirectory(string directory)
    {
        int fd = Open(directory, O_RDONLY | O_CLOEXEC | DirectoryFlag());
        if (fd < 0) throw Error("open", directory);
        try
        {
            if (FSync(fd) != 0) throw Error("fsync", directory);
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>An IOException for the errno of the last call.</summary>
    public static IOException Error(string call, string path)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} failed on '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
    }

    // O_DIRECTORY differs by architecture; without it, opening a directory read-only still works.
    private static int DirectoryFlag() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x10000,
        Architecture.Arm64 or Architecture.Arm => 0x4000,
        _ => 0,
    };
}
