namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>One message of a decoded delivery frame, with its record read from the batches the frame carried.</summary>
internal sealed record DeliveredMessage(int Partition, long Offset, int Deliveries, string Value)
{
    public override string ToString() => $"{Partition}@{Offset}x{Deliveries}={Value}";
}
