namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>A record read back from a journal, headers decoded as UTF-8 text.</summary>
internal sealed record StoredRecord(long Offset, long Timestamp, string? Key, string Value, List<(string Name, string Value)> Headers)
{
    public string? Header(string name) => Headers.Where(h => h.Name == name).Select(h => h.Value).SingleOrDefault();
}
