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
        };

    private static VectorField F(string name, VectorFieldKind kind, int size = 0) => new(name, kind, size);

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
