namespace FastBroker.Server.Journal;

public sealed partial class PartitionJournal
{
    /// <summary>
    /// The base offset of the oldest segment among the newest ones that together hold at most
    /// <paramref name="maxBytes"/> (the active segment always counts, whatever its size): where a scan of the log's
    /// tail starts. Any thread.
    /// </summary>
    public long TailStartOffset(long maxBytes)
    {
        var segments = Volatile.Read(ref _segments);
        int first = segments.Length - 1;
        long total = segments[first].PublishedEnd;
        while (first > 0 && total + segments[first - 1].PublishedEnd <= maxBytes)
        {
            first--;
            total += segments[first].PublishedEnd;
        }
        return segments[first].BaseOffset;
    }
}
