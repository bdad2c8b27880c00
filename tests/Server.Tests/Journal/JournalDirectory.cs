namespace FastBroker.Server.Tests.Journal;

/// <summary>A temp data directory holding one partition's journal directory (not created: the journal creates it).</summary>
internal sealed class JournalDirectory : IDisposable
{
    private readonly TempDirectory _temp = new("journal");

    public string Root => _temp.Path;

    public string Partition => Path.Combine(Root, "topics", "orders", "0");

    public string File(string name) => Path.Combine(Partition, name);

    public void Dispose() => _temp.Dispose();
}
