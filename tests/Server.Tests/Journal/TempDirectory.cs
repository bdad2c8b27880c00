namespace FastBroker.Server.Tests.Journal;

/// <summary>A fresh directory under the system temp path, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Root = Path.Combine(Path.GetTempPath(), "fastbroker-journal-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>A partition directory inside the root (not created: the journal creates it).</summary>
    public string Partition => Path.Combine(Root, "topics", "orders", "0");

    public string File(string name) => Path.Combine(Partition, name);

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
