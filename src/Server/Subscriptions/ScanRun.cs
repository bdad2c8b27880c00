namespace FastBroker.Server.Subscriptions;

/// <summary>Consecutive offsets a scan judged the same way: <paramref name="Count"/> offsets from <paramref name="First"/>.</summary>
internal readonly record struct ScanRun(long First, int Count, ScanRunKind Kind);
