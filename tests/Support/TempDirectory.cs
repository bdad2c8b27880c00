namespace FastBroker.Testing;

/// <summary>A fresh directory under the system temp path (see <see cref="TempDirectories"/>), removed on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "test") => Path = TempDirectories.Create(prefix);

    public string Path { get; }

    public void Dispose() => TempDirectories.Delete(Path);
}
