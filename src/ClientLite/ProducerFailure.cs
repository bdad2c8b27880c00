namespace FastBroker.ClientLite;

/// <summary>
/// A batch the broker did not acknowledge. Its messages are the <paramref name="Count"/> messages sent to
/// <paramref name="Partition"/> starting at the producer's <paramref name="FirstSequence"/>-th message for that
/// partition (counted from 0 since the producer was created).
/// </summary>
/// <param name="Partition">Partition the batch was for.</param>
/// <param name="FirstSequence">Per-partition sequence number of the batch's first message.</param>
/// <param name="Count">Number of messages in the batch.</param>
/// <param name="Error">Why it failed (<see cref="BrokerException"/>, <see cref="BrokerConnectionException"/>, ...).</param>
public readonly record struct ProducerFailure(int Partition, long FirstSequence, int Count, Exception Error);
