using FastBroker.ClientLite.Internal;
using FastBroker.Wire;

namespace FastBroker.ClientLite;

public sealed partial class BrokerConnection
{
    /// <summary>The consumer group whose positions in dead-letter topics record how far redrive has gone.</summary>
    public const string RedriveGroup = "fastbroker.redrive";

    private const int RedriveFetchBytes = 1024 * 1024;

    /// <summary>
    /// Moves the dead letters of a shared subscription back to where they came from and returns how many moved.
    /// Reads the subscription's dead-letter topic (from its stats) from the position stored for group
    /// <see cref="RedriveGroup"/> up to the end each partition had when the call started, republishes each message
    /// (same key, value, timestamp and headers, without the fb-dlq-* ones and fb-dedup-id) to the partition its fb-dlq-topic and
    /// fb-dlq-partition headers name, and stores the position only after those publishes are acknowledged:
    /// at-least-once, so a failure part-way may republish some messages again next time. Messages without those
    /// headers are skipped. Returns 0 when the dead-letter topic does not exist yet. Run one redrive of a
    /// subscription at a time; two at once would both republish the same messages.
    /// </summary>
    public async ValueTask<long> RedriveDeadLettersAsync(string topic, string subscription, CancellationToken cancellationToken = default)
    {
        var stats = await GetQueueStatsAsync(topic, subscription, cancellationToken).ConfigureAwait(false);
        string deadLetters = stats.DeadLetterTopic;
        TopicMetadata metadata;
        try
        {
            metadata = await GetTopicMetadataAsync(deadLetters, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerException e) when (e.Code == ErrorCode.UnknownTopic)
        {
            return 0; // created on first use: nothing was ever dead-lettered
        }

        long moved = 0;
        var decoder = new FetchDecoder();
        using var batches = new RedriveBatches(this);
        for (int partition = 0; partition < metadata.PartitionCount; partition++)
        {
            var range = metadata.Partitions[partition];
            long end = range.EndOffset;
            long stored = await ReadPositionAsync(RedriveGroup, deadLetters, partition, cancellationToken).ConfigureAwait(false) ?? range.StartOffset;
            long position = Math.Max(stored, range.StartOffset);
            while (position < end)
            {
                long next = position;
                using (var fetch = await FetchAsync(deadLetters, partition, position, RedriveFetchBytes, TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
                {
                    var data = fetch.Batches;
                    if (!decoder.TryDecode(data.Span, position, out _, out string? problem))
                        throw new BrokerException(ErrorCode.CorruptBatch, $"Fetch from {deadLetters}/{partition} returned {problem}.");
                    if (decoder.Count == 0 && fetch.LogStartOffset > position)
                    {
                        // Retention removed what was left to redrive from here: go on from what remains.
                        position = fetch.LogStartOffset;
                        continue;
                    }
                    for (int i = 0; i < decoder.Count && decoder[i].Offset < end; i++)
                    {
                        var message = decoder[i].ToMessage(deadLetters, partition, data);
                        if (batches.TryAdd(message))
                            moved++;
                        next = message.Offset + 1;
                    }
                    await batches.PublishAllAsync().ConfigureAwait(false);
                }
                if (next == position)
                    break; // nothing below the end came back: never spin
                await CommitPositionAsync(RedriveGroup, deadLetters, partition, next, cancellationToken).ConfigureAwait(false);
                position = next;
            }
        }
        return moved;
    }
}
