using Microsoft.Win32.SafeHandles;

namespace FastBroker.Server.Durability;

/// <summary>
/// Replaces a small file so that after a crash at any point it is either the old file or the new one, whole: the
/// new contents go to a temp file beside it, which is synced, renamed over the file, and the directory synced.
/// Every metadata file, snapshot and compacted log of the broker is written this way.
/// </summary>
internal static class DurableFile
{
    public static void Replace(string path, ReadOnlySpan<byte> contents)
    {
        string temp = TempPath(path);
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write))
        {
            RandomAccess.Write(handle, contents, 0);
            Sync(handle, temp);
        }
        Commit(temp, path);
    }

    /// <summary>As <see cref="Replace(string, ReadOnlySpan{byte})"/>, for contents <paramref name="write"/> streams into
    /// the temp file (from offset 0).</summary>
    public static void Replace<TState>(string path, TState state, Action<SafeFileHandle, TState> write)
    {
        string temp = TempPath(path);
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write))
        {
            write(handle, state);
            Sync(handle, temp);
        }
        Commit(temp, path);
    }

    private static string TempPath(string path) => path + ".tmp";

    private static void Sync(SafeFileHandle handle, string path)
    {
        if (LibC.FDataSync(handle) != 0) throw LibC.Error("fdatasync", path);
    }

    private static void Commit(string temp, string path)
    {
        File.Move(temp, path, overwrite: true);
        LibC.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
