using System.Buffers.Binary;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;
using FastBroker.Wire.Tests.Vectors;

namespace FastBroker.Wire.Tests;

/// <summary>Body parsers refuse every truncated body, and trailing bytes wherever the grammar is exact.</summary>
public class ParserRejectionTests
{
    private sealed record Case(byte[] Body, Func<byte[], bool> TryParse, bool Exact);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["handshake-request"] = new(
            BodyOf(w => FrameWriter.WriteHandshake(w, 1, "client"u8, auth: "secret"u8)),
            b => HandshakeRequest.TryParse(b, out _), Exact: true),
        ["handshake-response"] = new(
            BodyOf(w => FrameWriter.WriteHandshakeResponse(w, 1, 1 << 24, 1 << 20, "broker"u8)),
            b => HandshakeResponse.TryParse(b, out _), Exact: true),
        ["create-topic-request"] = new(
            BodyOf(w => FrameWriter.WriteCreateTopic(w, 1, "orders"u8, 4)),
            b => CreateTopicRequest.TryParse(b, out _), Exact: false),
        ["topic-request"] = new(
            BodyOf(w => FrameWriter.WriteTopicRequest(w, Opcode.DeleteTopic, 1, "orders"u8)),
            b => TopicRequest.TryParse(b, out _), Exact: true),
        ["publish-request"] = new(
            BodyOf(w => FrameWriter.WritePublish(w, 1, "orders"u8, 2, SampleBatch.Encode(0))),
            b => PublishRequest.TryParse(b, out _), Exact: false),
        ["fetch-request"] = new(
            BodyOf(w => FrameWriter.WriteFetch(w, 1, "orders"u8, 2, 43, 65536, 500)),
            b => FetchRequest.TryParse(b, out _), Exact: true),
        ["fetch-response"] = new(
            BodyOf(w => FrameWriter.WriteFetchResponsePrefix(w, 1, 0, 0, 0)),
            b => FetchResponse.TryParse(b, out _), Exact: false),
        ["fetch-filtered-request"] = new(
            BodyOf(w => FrameWriter.WriteFetchFiltered(w, 1, "orders"u8, 2, 43, 65536, 500, "key ~ \"eu.#\""u8)),
            b => FetchFilteredRequest.TryParse(b, out _), Exact: true),
        ["fetch-filtered-response"] = new(
            BodyOf(w => FrameWriter.WriteFetchFilteredResponse(w, 1, 0, 50, 50, [new FetchRange(3, 2), new FetchRange(9, 1)], [])),
            b => FetchFilteredResponse.TryParse(b, out _), Exact: false),
        ["commit-position-request"] = new(
            BodyOf(w => FrameWriter.WriteCommitPosition(w, 1, "billing"u8, "orders"u8, 2, 44)),
            b => PositionRequest.TryParse(b, withOffset: true, out _), Exact: true),
        ["read-position-request"] = new(
            BodyOf(w => FrameWriter.WriteReadPosition(w, 1, "billing"u8, "orders"u8, 2)),
            b => PositionRequest.TryParse(b, withOffset: false, out _), Exact: true),
        ["error"] = new(
            BodyOf(w => FrameWriter.WriteError(w, 1, ErrorCode.UnknownTopic, "no such topic")),
            b => ErrorResponse.TryParse(b, out _), Exact: true),
        ["create-subscription-request"] = new(
            BodyOf(w => FrameWriter.WriteCreateSubscription(w, 1, "orders"u8, "shipping"u8, 30_000, 5, "orders.dlq"u8, 100_000, AckMode.None)),
            b => CreateSubscriptionRequest.TryParse(b, out _), Exact: true),
        ["subscription-request"] = new(
            BodyOf(w => FrameWriter.WriteSubscriptionRequest(w, Opcode.DeleteSubscription, 1, "orders"u8, "shipping"u8)),
            b => SubscriptionRequest.TryParse(b, out _), Exact: true),
        ["subscription-stats-response"] = new(
            BodyOf(w => FrameWriter.WriteSubscriptionStatsResponse(w, 1,
                new SubscriptionStats(SubscriptionSettings.Default with { DeadLetterTopic = "orders.dlq" }, 1, 2, 3, 4, -1, 5, 6, 7, 8))),
            b => SubscriptionStats.TryParse(b, out _), Exact: true),
        ["receive-request"] = new(
            BodyOf(w => FrameWriter.WriteReceive(w, 1, "orders"u8, "shipping"u8, 100, 65536, 20_000, 0)),
            b => ReceiveRequest.TryParse(b, out _), Exact: true),
        ["settle-request"] = new(
            BodyOf(w => FrameWriter.WriteSettle(w, Opcode.Nack, 1, "orders"u8, "shipping"u8, 5000,
                [new OffsetRange(0, 5, 3), new OffsetRange(0, 10, 1), new OffsetRange(2, 42, 1)])),
            b => SettleRequest.TryParse(b, out _), Exact: true),
        ["settle-request-empty"] = new(
            BodyOf(w => FrameWriter.WriteSettle(w, Opcode.Ack, 1, "orders"u8, "shipping"u8, 0, [])),
            b => SettleRequest.TryParse(b, out _), Exact: true),
        ["delivery"] = new(
            BodyOf(w => FrameWriter.WriteDelivery(w, Opcode.Receive, FrameFlags.Response, 1,
                [(0, [new DeliveryRange(5, 2, 1)], SampleBatch.Encode(5)), (2, [new DeliveryRange(42, 1, 1), new DeliveryRange(43, 1, 2)], SampleBatch.Encode(42))])),
            b => DeliveryReader.TryCreate(b, out _), Exact: true),
        ["delivery-empty"] = new(
            BodyOf(w => FrameWriter.WriteDelivery(w, Opcode.Receive, FrameFlags.Response, 1, [])),
            b => DeliveryReader.TryCreate(b, out _), Exact: true),
        ["subscribe-request"] = new(
            BodyOf(w => FrameWriter.WriteSubscribe(w, 1, "orders"u8, "shipping"u8, 1000, 0)),
            b => SubscribeRequest.TryParse(b, out _), Exact: true),
        ["credit-request"] = new(
            BodyOf(w => FrameWriter.WriteCredit(w, 2, 1, 500)),
            b => CreditRequest.TryParseCredit(b, out _), Exact: true),
        ["unsubscribe-request"] = new(
            BodyOf(w => FrameWriter.WriteUnsubscribe(w, 2, 1)),
            b => CreditRequest.TryParseUnsubscribe(b, out _), Exact: true),
    };

    public static TheoryData<string> Parsers() => [.. Cases.Keys];

    public static TheoryData<string> ExactParsers()
    {
        var names = new TheoryData<string>();
        foreach (var (name, parser) in Cases)
        {
            if (parser.Exact) names.Add(name);
        }
        return names;
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Valid_body_is_accepted(string parser)
    {
        var c = Cases[parser];
        Assert.True(c.TryParse(c.Body));
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Every_truncation_of_the_fixed_fields_is_rejected(string parser)
    {
        var c = Cases[parser];
        int fixedLength = c.Exact ? c.Body.Length : FixedPrefixLength(parser, c.Body);
        for (int length = 0; length < fixedLength; length++)
            Assert.False(c.TryParse(c.Body[..length]), $"a {length}-byte prefix of {c.Body.Length} bytes was accepted");
    }

    [Theory]
    [MemberData(nameof(ExactParsers))]
    public void Trailing_bytes_are_rejected_where_the_grammar_is_exact(string parser)
    {
        var c = Cases[parser];
        Assert.False(c.TryParse([.. c.Body, 0x00]));
        Assert.False(c.TryParse([.. c.Body, .. new byte[8]]));
    }

    [Fact]
    public void Publish_body_cut_inside_the_batch_parses_but_the_batch_fails_validation()
    {
        var body = Cases["publish-request"].Body;
        int prefix = PublishRequest.PrefixSize("orders"u8.Length);
        for (int length = prefix; length < body.Length; length++)
        {
            Assert.True(PublishRequest.TryParse(body.AsSpan(0, length), out var request));
            Assert.Equal(length - prefix, request.Batch.Length);
            Assert.Equal(ErrorCode.CorruptBatch, RecordBatch.Validate(request.Batch, Protocol.DefaultMaxMessageBytes));
        }
    }

    [Fact]
    public void Publish_body_with_bytes_after_the_batch_fails_validation()
    {
        byte[] body = [.. Cases["publish-request"].Body, 0x00];
        Assert.True(PublishRequest.TryParse(body, out var request));
        Assert.Equal(ErrorCode.CorruptBatch, RecordBatch.Validate(request.Batch, Protocol.DefaultMaxMessageBytes));
    }

    [Fact]
    public void String_length_pointing_past_the_body_is_rejected()
    {
        var lying = Cases["topic-request"].Body.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(lying, ushort.MaxValue);
        Assert.False(TopicRequest.TryParse(lying, out _));
    }

    [Fact]
    public void Handshake_blob_length_pointing_past_the_body_is_rejected()
    {
        var lying = Cases["handshake-request"].Body.ToArray();
        int blobAt = 8 + 2 + "client"u8.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(lying.AsSpan(blobAt), uint.MaxValue);
        Assert.False(HandshakeRequest.TryParse(lying, out _));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public void Handshake_response_limit_above_int_max_is_rejected(int fieldOffset)
    {
        var body = Cases["handshake-response"].Body.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(fieldOffset), 0x80000000);
        Assert.False(HandshakeResponse.TryParse(body, out _));
    }

    [Fact]
    public void Error_with_a_code_this_version_does_not_know_still_parses()
    {
        var body = Cases["error"].Body.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(body, 999);
        Assert.True(ErrorResponse.TryParse(body, out var error));
        Assert.Equal(999, (int)error.Code);
        Assert.Equal("no such topic"u8, error.Message);
    }

    private static int FixedPrefixLength(string parser, byte[] body) => parser switch
    {
        "publish-request" => PublishRequest.PrefixSize(BinaryPrimitives.ReadUInt16LittleEndian(body)),
        "fetch-response" => FrameWriter.FetchResponsePrefixSize,
        // Exact but for its optional trailing flags byte (CreateTopicFlagsTests covers what may follow).
        "create-topic-request" => body.Length,
        "fetch-filtered-response" => FetchFilteredResponse.PrefixSize + (int)BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(24)) * FetchRange.Size,
        _ => throw new ArgumentOutOfRangeException(nameof(parser)),
    };

    private static byte[] BodyOf(Action<System.Buffers.ArrayBufferWriter<byte>> write)
        => Frames.Encode(write)[FrameHeader.Size..];
}
