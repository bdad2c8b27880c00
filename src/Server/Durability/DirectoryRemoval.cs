namespace FastBroker.Server.Durability;

/// <summary>Removing what a failed create or a delete leaves on disk, where failing is reported, not thrown: the
/// caller has already answered or decided, and a leftover without its meta file is ignored at the next start.</summary>
internal static class DirectoryRemoval
{
    public static bool TryDelete(string directory, out string? problem)
    {
        problem = null;
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
            return false;
        }
    }
}
