namespace FastBroker.Load.Targets;

/// <summary>How the harness's FastBroker consumers read the topic.</summary>
public enum FastBrokerConsumerMode
{
    /// <summary>Stream cursors: consumer i of N reads the partitions p with p % N == i and commits its position.</summary>
    Stream,

    /// <summary>Work queue: the topic is created as a queue, and every consumer competes for every partition's
    /// messages and acks each one.</summary>
    Queue,
}
