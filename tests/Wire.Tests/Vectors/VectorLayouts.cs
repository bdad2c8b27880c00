using static FastBroker.Wire.Tests.Vectors.VectorFieldKind;

namespace FastBroker.Wire.Tests.Vectors;

/// <summary>
/// What PROTOCOL.md says around each vector: a one-line description and the body's fields in order (the
/// 12-byte frame header is laid out by <see cref="VectorMarkdown"/> itself). The field values shown in the
/// tables are decoded from the bytes, never typed in, so a table cannot disagree with its vector.
/// </summary>
internal static class VectorLayouts
{
    public static IReadOnlyDictionary<string, (string About, VectorField[] Body)> All { get; } =
        new Dictionary<string, (string, VectorField[])>
        {
            ["handshake-request"] = ("The first frame a client sends: magic \"FBRK\", version 1, no authentication.",
                [F("magic", U32Hex), F("version", U16), F("auth mechanism", U16), F("client name", Str), F("auth data", Blob)]),
            ["handshake-response"] = ("The broker accepts the handshake and states its limits.",
                [F("version", U16), F("max frame bytes", U32), F("max message bytes", U32), F("server name", Str)]),
            ["ping-request"] = ("Eight opaque bytes.", [F("payload", Raw, 8)]),
            ["ping-response"] = ("The same bytes echoed, with the Response flag.", [F("payload", Raw, 8)]),
            ["create-topic-request"] = ("Create topic \"orders\" with 4 partitions.", [F("topic", Str), F("partitions", U32)]),
            ["create-topic-request-temporary"] = ("Create the temporary reply topic \"fb.reply.5f0c2a9e41d7b368\" with 1 partition (request id 26): the connection that sends it owns the topic, which is deleted when that connection closes.",
                [F("topic", Str), F("partitions", U32), F("flags", TopicFlagsU8)]),
            ["create-topic-response"] = ("Success: empty body.", []),
            ["delete-topic-request"] = ("Delete topic \"old-orders\".", [F("topic", Str)]),
            ["delete-topic-response"] = ("Success: empty body.", []),
            ["list-topics-request"] = ("Empty body.", []),
            ["list-topics-response"] = ("Two topics.",
                [F("count", U32), F("topic 0 name", Str), F("topic 0 partitions", U32), F("topic 1 name", Str), F("topic 1 partitions", U32)]),
            ["topic-metadata-request"] = ("Metadata of \"orders\".", [F("topic", Str)]),
            ["topic-metadata-response"] = ("Four partitions; partition 2 holds offsets 0..43, partition 3 has lost 0..4 to retention.",
                [F("partition count", U32),
                 F("partition 0 log start", I64), F("partition 0 log end", I64), F("partition 1 log start", I64), F("partition 1 log end", I64),
                 F("partition 2 log start", I64), F("partition 2 log end", I64), F("partition 3 log start", I64), F("partition 3 log end", I64)]),
            ["list-topics-request-ids"] = ("List the topics with their ids (flags bit 0, request id 27).", [F("flags", TopicQueryFlagsU8)]),
            ["list-topics-response-ids"] = ("The two topics of `list-topics-response`, each followed by its 16-byte id.",
                [F("count", U32), F("topic 0 name", Str), F("topic 0 partitions", U32), F("topic 0 id", Raw, 16),
                 F("topic 1 name", Str), F("topic 1 partitions", U32), F("topic 1 id", Raw, 16)]),
            ["topic-metadata-request-ids"] = ("Metadata of \"orders\" with its id (flags bit 0, request id 28).", [F("topic", Str), F("flags", TopicQueryFlagsU8)]),
            ["topic-metadata-response-ids"] = ("Two partitions, then the topic's 16-byte id.",
                [F("partition count", U32), F("partition 0 log start", I64), F("partition 0 log end", I64),
                 F("partition 1 log start", I64), F("partition 1 log end", I64), F("topic id", Raw, 16)]),
            ["publish-request"] = ("Publish the sample batch (see `record-batch`) to \"orders\" partition 2. The client leaves base offset 0.",
                [F("topic", Str), F("partition", U32), .. Batch("batch: ")]),
            ["publish-response"] = ("The batch was stored at offsets 42 and 43.", [F("base offset", I64)]),
            ["fetch-request"] = ("Fetch from offset 43 of \"orders\" partition 2, up to 64 KiB, waiting up to 500 ms.",
                [F("topic", Str), F("partition", U32), F("offset", I64), F("max bytes", U32), F("max wait ms", U32)]),
            ["fetch-response"] = ("The batch holding offset 43 starts at 42, so the client skips record 42. The CRC is the one the producer computed: the broker wrote only the base offset.",
                [F("log start offset", I64), F("log end offset", I64), .. Batch("batch: ")]),
            ["fetch-response-empty"] = ("A fetch at the log end (44) whose wait ran out: no batches.",
                [F("log start offset", I64), F("log end offset", I64)]),
            ["commit-position-request"] = ("Group \"billing\" will read \"orders\" partition 2 from offset 44 next.",
                [F("group", Str), F("topic", Str), F("partition", U32), F("offset", I64)]),
            ["commit-position-response"] = ("Success: empty body.", []),
            ["read-position-request"] = ("Where is group \"billing\" on \"orders\" partition 2?",
                [F("group", Str), F("topic", Str), F("partition", U32)]),
            ["read-position-response"] = ("At offset 44.", [F("offset", I64)]),
            ["read-position-response-none"] = ("The group has no position on that partition (request id 12).", [F("offset", I64)]),
            ["error-response"] = ("Request 13 named a topic that does not exist.", [F("code", Code), F("message", Str)]),
            ["error-connection"] = ("Request id 0: about the connection (here a handshake with the wrong magic); the broker closes the connection after it.",
                [F("code", Code), F("message", Str)]),
            ["record-batch"] = ("The sample batch on its own, as a producer seals it (base offset 0): record 0 has key \"user-7\", one header trace = \"t-1\" and value \"hello\"; record 1 has no key, no headers and value \"world!\", 250 ms later.",
                Batch("")),
            ["error-reply"] = ("An error reply as a responder publishes it (section 8.12), on its own (base offset 0): one record without a key, with headers fb-correlation-id = \"7\", fb-reply-error = \"unknown symbol ZZZZ\" and fb-reply-error-code = \"not-found\", and an empty value.",
                [F("base offset", I64), F("length", U32), F("crc32c", U32Hex), F("format version", U16), F("attributes", U16),
                 F("record count", U32), F("first timestamp", Timestamp), F("max timestamp", Timestamp), F("producer id", I64),
                 F("base sequence", I32), F("producer epoch", I16), F("reserved", U16),
                 F("record 0: length", U32), F("record 0: timestamp delta", U32), F("record 0: key length", I32),
                 F("record 0: header count", U16), F("record 0: header 0 name", Str), F("record 0: header 0 value", Blob),
                 F("record 0: header 1 name", Str), F("record 0: header 1 value", Blob),
                 F("record 0: header 2 name", Str), F("record 0: header 2 value", Blob)]),
            ["create-subscription-request"] = ("Create the shared subscription \"shipping\" on \"orders\" with the default settings, sent explicitly: 30 s visibility, 5 deliveries, the default dead-letter topic (empty: \"orders.shipping.dlq\"), 100000 in flight, explicit acks.",
                [F("topic", Str), F("subscription", Str), F("visibility ms", U32), F("max deliveries", U16), F("dead-letter topic", Str),
                 F("max in flight", U32), F("ack mode", AckModeU8)]),
            ["create-subscription-request-filtered"] = ("The same subscription with the optional trailing fields: only keys matching \"eu.#\" (section 14), and expired messages dead-lettered (options bit 0).",
                [F("topic", Str), F("subscription", Str), F("visibility ms", U32), F("max deliveries", U16), F("dead-letter topic", Str),
                 F("max in flight", U32), F("ack mode", AckModeU8), F("filter", Str), F("options", U8)]),
            ["create-subscription-request-start"] = ("The same subscription starting at offset 42 of each partition (clamped to what each stores): no filter, no options, then the optional start.",
                [F("topic", Str), F("subscription", Str), F("visibility ms", U32), F("max deliveries", U16), F("dead-letter topic", Str),
                 F("max in flight", U32), F("ack mode", AckModeU8), F("filter", Str), F("options", U8), F("start kind", U8), F("start value", I64)]),
            ["create-subscription-request-key-ordered"] = ("The same subscription ordered by record key (section 8.11): no filter, options bit 1, no start.",
                [F("topic", Str), F("subscription", Str), F("visibility ms", U32), F("max deliveries", U16), F("dead-letter topic", Str),
                 F("max in flight", U32), F("ack mode", AckModeU8), F("filter", Str), F("options", U8)]),
            ["reset-subscription-request"] = ("Move \"shipping\" back to the log start of every partition of \"orders\" (request id 34).",
                [F("topic", Str), F("subscription", Str), F("start kind", U8), F("start value", I64)]),
            ["reset-subscription-response"] = ("The new position of each of the 4 partitions (partition 2 starts at 40), nothing skipped.",
                [F("count", U32), F("partition 0: offset", I64), F("partition 0: skipped", I64), F("partition 1: offset", I64), F("partition 1: skipped", I64),
                 F("partition 2: offset", I64), F("partition 2: skipped", I64), F("partition 3: offset", I64), F("partition 3: skipped", I64)]),
            ["subscription-stats-request"] = ("Settings and counters of \"shipping\" on \"orders\".", [F("topic", Str), F("subscription", Str)]),
            ["subscription-stats-response"] = ("The settings as stored (the dead-letter topic resolved to its default name), then the counters.",
                [F("visibility ms", U32), F("max deliveries", U16), F("dead-letter topic", Str), F("max in flight", U32), F("ack mode", AckModeU8),
                 F("visible", I64), F("in flight", I64), F("delayed", I64), F("dead-lettered", I64), F("oldest unacked age ms", I64),
                 F("delivered", I64), F("acked", I64), F("deliver rate", U32), F("ack rate", U32),
                 F("filtered", I64), F("expired", I64), F("filter", Str), F("options", U8)]),
            ["receive-request"] = ("Up to 100 messages or 64 KiB from \"shipping\", waiting up to 20 s, leased for the subscription's visibility timeout (0).",
                [F("topic", Str), F("subscription", Str), F("max messages", U32), F("max bytes", U32), F("max wait ms", U32), F("visibility ms", U32)]),
            ["receive-response"] = ("Offsets 42 and 43 of partition 2, both in the sample batch: 42 is delivered for the first time, 43 for the second (its first lease ran out), so they are two ranges.",
                [F("sections", U32), F("section 0: partition", U32), F("section 0: ranges", U32),
                 F("section 0: range 0: first offset", I64), F("section 0: range 0: count", U32), F("section 0: range 0: delivery count", U16),
                 F("section 0: range 1: first offset", I64), F("section 0: range 1: count", U32), F("section 0: range 1: delivery count", U16),
                 F("section 0: batch bytes", U32), .. Batch("batch: ")]),
            ["receive-response-filtered"] = ("From a filtered subscription: only offset 43 of the sample batch (at base offset 42) is delivered, so the section carries a batch the broker made of that one record: base offset 43, record count 1, first and max timestamp as stored, its own CRC.",
                [F("sections", U32), F("section 0: partition", U32), F("section 0: ranges", U32),
                 F("section 0: range 0: first offset", I64), F("section 0: range 0: count", U32), F("section 0: range 0: delivery count", U16),
                 F("section 0: batch bytes", U32),
                 F("batch: base offset", I64), F("batch: length", U32), F("batch: crc32c", U32Hex),
                 F("batch: format version", U16), F("batch: attributes", U16), F("batch: record count", U32),
                 F("batch: first timestamp", Timestamp), F("batch: max timestamp", Timestamp), F("batch: producer id", I64),
                 F("batch: base sequence", I32), F("batch: producer epoch", I16), F("batch: reserved", U16),
                 F("batch: record 0: length", U32), F("batch: record 0: timestamp delta", U32), F("batch: record 0: key length", I32),
                 F("batch: record 0: header count", U16), F("batch: record 0: value", Text, 6)]),
            ["receive-response-empty"] = ("A receive whose wait ran out with nothing visible: zero sections.", [F("sections", U32)]),
            ["nack-request"] = ("Give offset 43 of partition 2 back, to be delivered again in 5 s.", Settle(1)),
            ["extend-request"] = ("Keep offset 42 of partition 2 hidden for 60 s from now.", Settle(1)),
            ["ack-request"] = ("Two sections: offsets 5-7 and 10 of partition 0 (from an earlier receive), and offset 42 of partition 2.",
                Settle(2, 1)),
            ["settle-response"] = ("The ack applied to all 5 messages, and they are durable.", [F("messages", U32)]),
            ["subscribe-request"] = ("Start push delivery from \"shipping\" with 1000 credit and the subscription's visibility timeout; request id 21 becomes the push id.",
                [F("topic", Str), F("subscription", Str), F("credit", U32), F("visibility ms", U32)]),
            ["deliver-push"] = ("A push for the subscription that request 21 started: offset 43, back after its nack delay, delivered for the third time. The batch also holds offset 42, which is not part of this delivery: the client skips it.",
                [F("sections", U32), F("section 0: partition", U32), F("section 0: ranges", U32),
                 F("section 0: range 0: first offset", I64), F("section 0: range 0: count", U32), F("section 0: range 0: delivery count", U16),
                 F("section 0: batch bytes", U32), .. Batch("batch: ")]),
            ["credit-request"] = ("Grant push subscription 21 another 500 messages.", [F("push id", U32), F("credit", U32)]),
            ["unsubscribe-request"] = ("Stop push subscription 21.", [F("push id", U32)]),
            ["subscription-request"] = ("DeleteSubscription: delete the subscription \"legacy\" of \"orders\".",
                [F("topic", Str), F("subscription", Str)]),
            ["fetch-filtered-request"] = ("Read \"orders\" partition 2 from offset 42, only the records whose key is \"user-7\", up to 64 KiB, waiting up to 500 ms for a match.",
                [F("topic", Str), F("partition", U32), F("offset", I64), F("max bytes", U32), F("max wait ms", U32), F("filter", Str)]),
            ["fetch-filtered-response"] = ("Record 42 matches; record 43 has no key, so it does not. The batch holding 42 is sent whole, and the client skips 43, which is in no range. The broker examined both: the reader continues at 44.",
                [F("log start offset", I64), F("log end offset", I64), F("next offset", I64), F("range count", U32),
                 F("range 0: first offset", I64), F("range 0: count", U32), .. Batch("batch: ")]),
            ["fetch-filtered-response-empty"] = ("Request 27 waited at the log end (44) and nothing that matched was published in time: no ranges, no batches.",
                [F("log start offset", I64), F("log end offset", I64), F("next offset", I64), F("range count", U32)]),
            ["create-topic-request-retention"] = ("Create \"orders\" with 4 partitions, keeping messages for 7 days, and the broker's default size limit (request id 29). The flags byte must be there for the retention fields to follow.",
                [F("topic", Str), F("partitions", U32), F("flags", TopicFlagsU8), F("retention ms", I64), F("retention bytes", I64)]),
            ["alter-topic-request"] = ("Keep at most 10 GiB per partition of \"orders\", and leave its age limit as it is (request id 30).",
                [F("topic", Str), F("retention ms", I64), F("retention bytes", I64)]),
            ["alter-topic-response"] = ("Success: empty body; the change is durable.", []),
            ["topic-metadata-request-retention"] = ("Metadata of \"orders\" with its id and its retention (flags bits 0 and 1, request id 31).",
                [F("topic", Str), F("flags", TopicQueryFlagsU8)]),
            ["topic-metadata-response-retention"] = ("Two partitions, the topic's id, then its retention: 7 days and 10 GiB per partition, both the topic's own (source 3).",
                [F("partition count", U32), F("partition 0 log start", I64), F("partition 0 log end", I64),
                 F("partition 1 log start", I64), F("partition 1 log end", I64), F("topic id", Raw, 16),
                 F("retention ms", I64), F("retention bytes", I64), F("retention source", U8)]),
            ["list-offsets-request"] = ("Where is the first record of \"orders\" partition 2 stamped at or after the sample batch's second timestamp, and where does partition 3 start (request id 32)?",
                [F("topic", Str), F("count", U32), F("entry 0: partition", U32), F("entry 0: timestamp", Timestamp),
                 F("entry 1: partition", U32), F("entry 1: timestamp", I64)]),
            ["list-offsets-response"] = ("Offset 43 (the second record of the sample batch); partition 3 starts at 5.",
                [F("count", U32), F("entry 0: partition", U32), F("entry 0: offset", I64), F("entry 1: partition", U32), F("entry 1: offset", I64)]),
            ["error-offset-out-of-range"] = ("Request 33 fetched offset 3 of a partition whose log start retention moved to 5: the error carries the partition's log start and log end.",
                [F("code", Code), F("message", Str), F("log start offset", I64), F("log end offset", I64)]),
            ["list-groups-request"] = ("Which groups have stored positions (request id 34)? Empty body.", []),
            ["list-groups-response"] = ("One group, \"billing\", with positions on \"audit\" and \"orders\".",
                [F("count", U32), F("group 0", Str), F("group 0: topic count", U32), F("group 0: topic 0", Str), F("group 0: topic 1", Str)]),
            ["describe-group-request"] = ("The positions and lag of \"billing\" in \"orders\" (request id 35).", [F("group", Str), F("topic", Str)]),
            ["describe-group-response"] = ("No position in partitions 0 and 1 (both empty); in partition 2 the group is 2 records behind, the oldest stamped 1.5 s ago; in partition 3 its position 3 is below the log start 5, so it is 4 behind.",
                [F("count", U32),
                 F("entry 0: topic", Str), F("entry 0: partition", U32), F("entry 0: committed", I64), F("entry 0: log start", I64), F("entry 0: log end", I64), F("entry 0: lag", I64), F("entry 0: age ms", I64),
                 F("entry 1: topic", Str), F("entry 1: partition", U32), F("entry 1: committed", I64), F("entry 1: log start", I64), F("entry 1: log end", I64), F("entry 1: lag", I64), F("entry 1: age ms", I64),
                 F("entry 2: topic", Str), F("entry 2: partition", U32), F("entry 2: committed", I64), F("entry 2: log start", I64), F("entry 2: log end", I64), F("entry 2: lag", I64), F("entry 2: age ms", I64),
                 F("entry 3: topic", Str), F("entry 3: partition", U32), F("entry 3: committed", I64), F("entry 3: log start", I64), F("entry 3: log end", I64), F("entry 3: lag", I64), F("entry 3: age ms", I64)]),
            ["reset-group-request"] = ("Move \"billing\" in partitions 2 and 3 of \"orders\" to the first record stamped at or after the sample batch's second timestamp (target 3 = time, request id 36).",
                [F("group", Str), F("topic", Str), F("target", U8), F("value", Timestamp), F("flags", U8), F("count", U32), F("partition 0", U32), F("partition 1", U32)]),
            ["reset-group-response"] = ("The positions stored: 43 in partition 2, 5 (its log start: nothing there is older) in partition 3.",
                [F("count", U32), F("entry 0: partition", U32), F("entry 0: offset", I64), F("entry 1: partition", U32), F("entry 1: offset", I64)]),
            ["error-unknown-subscription"] = ("Request 25 asked for the stats of the deleted subscription \"legacy\".", [F("code", Code), F("message", Str)]),
        };

    private static VectorField F(string name, VectorFieldKind kind, int size = 0) => new(name, kind, size);

    /// <summary>The fields of an Ack, Nack or Extend body whose sections hold the given numbers of ranges.</summary>
    private static VectorField[] Settle(params int[] rangesPerSection)
    {
        var fields = new List<VectorField> { F("topic", Str), F("subscription", Str), F("argument", U32), F("sections", U32) };
        for (int section = 0; section < rangesPerSection.Length; section++)
        {
            int ranges = rangesPerSection[section];
            fields.Add(F($"section {section}: partition", U32));
            fields.Add(F($"section {section}: ranges", U32));
            for (int i = 0; i < ranges; i++)
            {
                fields.Add(F($"section {section}: range {i}: first offset", I64));
                fields.Add(F($"section {section}: range {i}: count", U32));
            }
        }
        return [.. fields];
    }

    private static VectorField[] Batch(string prefix) =>
    [
        F(prefix + "base offset", I64), F(prefix + "length", U32), F(prefix + "crc32c", U32Hex),
        F(prefix + "format version", U16), F(prefix + "attributes", U16), F(prefix + "record count", U32),
        F(prefix + "first timestamp", Timestamp), F(prefix + "max timestamp", Timestamp), F(prefix + "producer id", I64),
        F(prefix + "base sequence", I32), F(prefix + "producer epoch", I16), F(prefix + "reserved", U16),
        F(prefix + "record 0: length", U32), F(prefix + "record 0: timestamp delta", U32), F(prefix + "record 0: key length", I32),
        F(prefix + "record 0: key", Text, 6), F(prefix + "record 0: header count", U16), F(prefix + "record 0: header 0 name", Str),
        F(prefix + "record 0: header 0 value", Blob), F(prefix + "record 0: value", Text, 5),
        F(prefix + "record 1: length", U32), F(prefix + "record 1: timestamp delta", U32), F(prefix + "record 1: key length", I32),
        F(prefix + "record 1: header count", U16), F(prefix + "record 1: value", Text, 6),
    ];
}
