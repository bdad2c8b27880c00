namespace FastBroker.Server.Topics.Producers;

/// <summary>One stored batch of a producer: its sequence range (first sequence and record count) and base offset.</summary>
internal readonly record struct RecentBatch(int FirstSequence, int Count, long BaseOffset);
