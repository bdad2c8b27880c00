using System.Buffers.Binary;
using FastBroker.Wire.Messages;
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
            b => CreateTopicRequest.TryParse(b, out _), Exact: true),
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
        ["commit-position-request"] = new(
            BodyOf(w => FrameWriter.WriteCommitPosition(w, 1, "billing"u8, "orders"u8, 2, 44)),
            b => PositionRequest.TryParse(b, withOffset: true, out _), Exact: true),
        ["read-position-request"] = new(
            BodyOf(w => FrameWriter.WriteReadPosition(w, 1, "billing"u8, "orders"u8, 2)),
            b => PositionRequest.TryParse(b, withOffset: false, out _), Exact: true),
        ["error"] = new(
            BodyOf(w => FrameWriter.WriteError(w, 1, ErrorCode.UnknownTopic, "no such topic")),
            b => ErrorResponse.TryParse(b, out _), Exact: true),
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
        _ => throw new ArgumentOutOfRangeException(nameof(parser)),
    };

    private static byte[] BodyOf(Action<System.Buffers.ArrayBufferWriter<byte>> write)
        => Frames.Encode(write)[FrameHeader.Size..];
}
