namespace FastBroker.ClientLite;

/// <summary>In what order a shared subscription hands out its messages (PROTOCOL.md section 8.11).</summary>
public enum QueueOrdering
{
    /// <summary>
    /// No order in processing (the default): first deliveries go out in offset order per partition, but consumers work
    /// in parallel and a message that comes back is redelivered after later ones.
    /// </summary>
    None = 0,

    /// <summary>
    /// Per record key, as SQS FIFO message groups or Pulsar's Key_Shared: the messages of one key (in one partition) are
    /// delivered in offset order and at most one of them is out at a time; the next waits until it is acked or
    /// dead-lettered, however often it is nacked or times out. Different keys go in parallel. Messages without a key
    /// are not ordered. At most max-in-flight messages per partition are held back behind their keys; beyond that the
    /// partition's fresh messages wait.
    /// </summary>
    Key = 1,
}
