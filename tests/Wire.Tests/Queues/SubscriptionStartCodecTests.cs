using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests.Queues;

/// <summary>The start of a subscription (PROTOCOL.md 5.12) and ResetSubscription (5.25): round trips, and every
/// truncation or extension of their exact grammars is refused.</summary>
public class SubscriptionStartCodecTests
{
    private static readonly SubscriptionStart AtTime = new(SubscriptionStartKind.Time, 1_796_300_000_000);

    [Fact]
    public void CreateSubscription_with_a_start_round_trips_and_only_whole_optional_groups_parse()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteCreateSubscription(w, 3, "orders"u8, "audit"u8, 30_000, 5, ""u8,
            100_000, AckMode.Explicit, "key ~ \"eu.#\""u8, 0, AtTime)));

        Assert.True(CreateSubscriptionRequest.TryParse(body, out var request));
        Assert.True(request.HasStart);
        Assert.Equal(AtTime, request.Start);
        Assert.Equal("key ~ \"eu.#\""u8, request.Filter);

        // Valid lengths: without the trailing groups, with filter and options, with the start too.
        int withStart = body.Length;
        int withOptions = withStart - SubscriptionStart.Size;
        int withoutTrailing = withOptions - 2 - "key ~ \"eu.#\""u8.Length - 1;
        for (int length = 0; length < withStart; length++)
        {
            bool valid = length == withoutTrailing || length == withOptions;
            Assert.True(valid == CreateSubscriptionRequest.TryParse(body.AsSpan(0, length), out _), $"length {length}");
        }
        Assert.False(CreateSubscriptionRequest.TryParse([.. body, 0], out _));
    }

    [Theory]
    [InlineData(SubscriptionStartKind.Latest, 0L)]
    [InlineData(SubscriptionStartKind.Earliest, 0L)]
    [InlineData(SubscriptionStartKind.Offset, 42L)]
    [InlineData(SubscriptionStartKind.Time, 1_796_300_000_000L)]
    public void ResetSubscription_round_trips_and_every_truncation_is_malformed(SubscriptionStartKind kind, long value)
    {
        var start = new SubscriptionStart(kind, value);
        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteResetSubscription(w, 9, "orders"u8, "audit"u8, start)));

        AssertHeader(header, Opcode.ResetSubscription, FrameFlags.None, 9);
        Assert.True(ResetSubscriptionRequest.TryParse(body, out var request));
        Assert.Equal("orders"u8, request.Topic);
        Assert.Equal("audit"u8, request.Subscription);
        Assert.Equal(start, request.Start);
        for (int length = 0; length < body.Length; length++)
            Assert.False(ResetSubscriptionRequest.TryParse(body.AsSpan(0, length), out _), $"length {length}");
        Assert.False(ResetSubscriptionRequest.TryParse([.. body, 0], out _));
    }

    [Theory]
    [InlineData(SubscriptionStartKind.Latest, 1L)]
    [InlineData(SubscriptionStartKind.Earliest, -1L)]
    [InlineData(SubscriptionStartKind.Offset, -1L)]
    [InlineData(SubscriptionStartKind.Time, -5L)]
    [InlineData((SubscriptionStartKind)4, 0L)]
    public void A_start_outside_its_kinds_rules_is_invalid(SubscriptionStartKind kind, long value)
        => Assert.NotNull(new SubscriptionStart(kind, value).Validate());

    [Fact]
    public void ResetSubscription_response_round_trips_and_every_truncation_is_malformed()
    {
        PartitionReset[] partitions = [new(0, 3), new(17, 0), new(5, 12)];
        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteResetSubscriptionResponse(w, 9, partitions)));

        AssertHeader(header, Opcode.ResetSubscription, FrameFlags.Response, 9);
        Assert.True(ResetSubscriptionResponse.TryParse(body, out var parsed));
        Assert.Equal(partitions, parsed);
        for (int length = 0; length < body.Length; length++)
            Assert.False(ResetSubscriptionResponse.TryParse(body.AsSpan(0, length), out _), $"length {length}");
        Assert.False(ResetSubscriptionResponse.TryParse([.. body, 0], out _));
    }
}
