namespace FastBroker.Server.Topics.Producers;

/// <summary>
/// Sequence arithmetic of idempotent batches (PROTOCOL.md 6.1): sequences run from 0 to <see cref="int.MaxValue"/>
/// and wrap to 0, as Kafka's do, so a producer never runs out of them.
/// </summary>
internal static class ProducerSequence
{
    private const long Modulus = (long)int.MaxValue + 1;

    /// <summary><paramref name="sequence"/> plus <paramref name="count"/>, wrapped.</summary>
    public static int Add(int sequence, int count) => (int)(((long)sequence + count) % Modulus);

    /// <summary>The sequence of a batch's last record.</summary>
    public static int Last(int baseSequence, int recordCount) => Add(baseSequence, recordCount - 1);
}
