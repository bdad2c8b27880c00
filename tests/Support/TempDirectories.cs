namespace FastBroker.Testing;

/// <summary>Directories under the system temp path, named for the test that made them.</summary>
public static class TempDirectories
{
    public static string Create(string prefix)
    {
        string path = Path.Combine(Path.GetTempPath(), $"fastbroker-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A straggling process may still hold a file; the OS temp cleaner will get it.
        }
    }
}
