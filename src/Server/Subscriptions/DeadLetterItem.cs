namespace FastBroker.Server.Subscriptions;

/// <summary>A message out of deliveries (or expired, when <paramref name="Expired"/>), waiting to be copied to the
/// dead-letter topic.</summary>
internal readonly record struct DeadLetterItem(int Partition, long Offset, ushort Deliveries, bool Expired = false);
