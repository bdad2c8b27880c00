using System.Text;
using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Tests.Sessions;

/// <summary>FetchFiltered through a session (PROTOCOL.md section 5.8.1), on a fake clock and without a socket.</summary>
public sealed class SessionFetchFilteredTests : IAsyncLifetime
{
    private readonly QueueBroker _broker = new();
    private SessionHarness _session = null!;
    private uint _nextId = 10;

    public async Task InitializeAsync()
    {
        await _broker.CreateTopicAsync("orders");
        _session = await SessionHarness.StartAsync(_broker);
    }

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        await _broker.DisposeAsync();
    }

    // One batch of records with the given keys ("" = no key), values "v{offset}" and optional extra headers.
    private async Task<long> PublishKeysAsync(string[] keys, RecordHeader[]? headers = null)
    {
        long first = _broker.Journal("orders").CommittedEndOffset;
        using var builder = new RecordBatchBuilder();
        for (int i = 0; i < keys.Length; i++)
            builder.Append(_broker.NowMs, keys[i].Length > 0, Encoding.UTF8.GetBytes(keys[i]), headers ?? [], Encoding.UTF8.GetBytes($"v{first + i}"));
        return await _broker.PublishAsync("orders", 0, builder.Seal().Span);
    }

    private Task<SentFrame> FetchAsync(long offset, string filter, int maxBytes = 1 << 20, uint waitMs = 0, uint? id = null)
    {
        uint requestId = id ?? _nextId++;
        return _session.RequestAsync(w => FrameWriter.WriteFetchFiltered(w, requestId, "orders"u8, 0, offset, maxBytes, waitMs, Encoding.UTF8.GetBytes(filter)));
    }

    private static (long Next, long End, List<FetchRange> Ranges, List<long> BatchBases) Read(SentFrame frame)
    {
        Assert.True(frame.Header.Opcode == Opcode.FetchFiltered, $"expected a FetchFiltered response, got {frame.Header.Opcode} {frame.ErrorCode}");
        Assert.True(FetchFilteredResponse.TryParse(frame.Body, out var r));
        var ranges = new List<FetchRange>();
        for (int i = 0; i < r.RangeCount; i++) ranges.Add(r.GetRange(i));
        var bases = new List<long>();
        var batches = r.Batches;
        while (!batches.IsEmpty)
        {
            Assert.True(RecordBatch.TryReadLength(batches, int.MaxValue, out int length));
            Assert.True(RecordBatch.CrcMatches(batches[..length]));
            bases.Add(RecordBatch.ReadBaseOffset(batches));
            batches = batches[length..];
        }
        return (r.NextOffset, r.LogEndOffset, ranges, bases);
    }

    [Fact]
    public async Task Only_matching_offsets_are_listed_and_only_batches_holding_them_are_sent()
    {
        for (int b = 0; b < 30; b++)
            await PublishKeysAsync(b % 10 == 3 ? ["us.1", "eu.2", "eu.3", "us.4"] : ["us.1", "us.2", "", "us.4"]);

        var (next, end, ranges, bases) = Read(await FetchAsync(0, "key ~ \"eu.*\""));

        Assert.Equal(120, end);
        Assert.Equal(120, next);
        Assert.Equal([new FetchRange(13, 2), new FetchRange(53, 2), new FetchRange(93, 2)], ranges);
        Assert.Equal([12L, 52L, 92L], bases);
    }

    [Fact]
    public async Task Records_below_the_offset_in_the_first_batch_are_not_listed()
    {
        await PublishKeysAsync(["eu.1", "eu.2", "eu.3"]);

        var (next, _, ranges, bases) = Read(await FetchAsync(1, "key ~ \"eu.#\""));

        Assert.Equal([new FetchRange(1, 2)], ranges);
        Assert.Equal([0L], bases);
        Assert.Equal(3, next);
    }

    [Fact]
    public async Task Max_bytes_stops_before_the_next_matching_batch_and_next_offset_points_at_it()
    {
        for (int b = 0; b < 4; b++) await PublishKeysAsync(["eu.1", "us.2"]);

        var (next, _, ranges, bases) = Read(await FetchAsync(0, "key = \"eu.1\"", maxBytes: 1));

        Assert.Equal([new FetchRange(0, 1)], ranges);
        Assert.Equal([0L], bases);
        Assert.Equal(2, next);
        var rest = Read(await FetchAsync(next, "key = \"eu.1\"", maxBytes: 1 << 20));
        Assert.Equal([new FetchRange(2, 1), new FetchRange(4, 1), new FetchRange(6, 1)], rest.Ranges);
        Assert.Equal(8, rest.Next);
    }

    [Fact]
    public async Task Expired_messages_never_match()
    {
        byte[] past = Encoding.UTF8.GetBytes((_broker.NowMs - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        byte[] future = Encoding.UTF8.GetBytes((_broker.NowMs + 60_000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await PublishKeysAsync(["eu.1"], [new RecordHeader(MessageExpiry.HeaderName, past)]);
        await PublishKeysAsync(["eu.2"], [new RecordHeader(MessageExpiry.HeaderName, future)]);
        await PublishKeysAsync(["eu.3"]);

        var (next, _, ranges, bases) = Read(await FetchAsync(0, "key ~ \"eu.*\""));

        Assert.Equal([new FetchRange(1, 2)], ranges);
        Assert.Equal([1L, 2L], bases);
        Assert.Equal(3, next);
    }

    [Fact]
    public async Task A_long_poll_is_answered_by_a_matching_publish_and_not_by_one_that_does_not_match()
    {
        await PublishKeysAsync(["us.1"]);
        await _session.SendAsync(SessionHarness.Encode(w => FrameWriter.WriteFetchFiltered(w, 77, "orders"u8, 0, 0, 1 << 20, 30_000, "key ~ \"eu.*\""u8)));

        await PublishKeysAsync(["us.2", "us.3"]);
        await PublishKeysAsync(["us.4", "eu.5"]);

        // Had the non-matching publish answered the poll, this would be an answer with no ranges and next offset 3.
        var answer = await _session.NextAsync();
        Assert.NotNull(answer);
        Assert.Equal(77u, answer.Header.RequestId);
        var (next, _, ranges, bases) = Read(answer);
        Assert.Equal([new FetchRange(4, 1)], ranges);
        Assert.Equal([3L], bases);
        Assert.Equal(5, next);
    }

    [Fact]
    public async Task A_long_poll_that_runs_out_answers_no_ranges_with_the_offset_it_examined_up_to()
    {
        await PublishKeysAsync(["us.1", "us.2"]);
        await _session.SendAsync(SessionHarness.Encode(w => FrameWriter.WriteFetchFiltered(w, 78, "orders"u8, 0, 0, 1 << 20, 5_000, "key ~ \"eu.*\""u8)));
        await PublishKeysAsync(["us.3"]);
        Assert.False(_session.Session.Responses.TryPeek(out _));

        // The poll's timer may be armed just after this advance; keep advancing until it fires (bounded).
        SentFrame? answer = null;
        for (int i = 0; i < 200 && answer is null; i++)
        {
            _broker.Time.Advance(TimeSpan.FromMilliseconds(5_000));
            if (_session.Session.Responses.TryPeek(out _)) answer = await _session.NextAsync();
            else await Task.Delay(10);
        }

        Assert.NotNull(answer);
        var (next, end, ranges, bases) = Read(answer);
        Assert.Empty(ranges);
        Assert.Empty(bases);
        Assert.Equal(3, end);
        Assert.Equal(3, next);
    }

    [Fact]
    public async Task The_scan_budget_ends_a_request_without_matches_before_the_log_end()
    {
        byte[] value = new byte[256 * 1024];
        for (int b = 0; b < 40; b++)
        {
            using var builder = new RecordBatchBuilder();
            builder.Append(_broker.NowMs, true, "us.1"u8, [], value);
            await _broker.PublishAsync("orders", 0, builder.Seal().Span);
        }

        var first = Read(await FetchAsync(0, "key ~ \"eu.*\"", waitMs: 30_000));

        Assert.Empty(first.Ranges);
        Assert.InRange(first.Next, 1, 39);
        long next = first.Next;
        for (int i = 0; i < 10 && next < 40; i++)
            next = Read(await FetchAsync(next, "key ~ \"eu.*\"")).Next;
        Assert.Equal(40, next);
    }

    [Theory]
    [InlineData("key ~")]
    [InlineData("")]
    [InlineData("header(type) = 'x'")]
    public async Task An_invalid_filter_is_InvalidArgument_with_the_parse_error(string filter)
    {
        Assert.False(Wire.Filters.MessageFilter.TryParse(filter, out _, out string? reason));

        var answer = await FetchAsync(0, filter);

        Assert.Equal(ErrorCode.InvalidArgument, answer.ErrorCode);
        Assert.True(ErrorResponse.TryParse(answer.Body, out var error));
        Assert.Equal("invalid filter: " + reason, Encoding.UTF8.GetString(error.Message));
    }

    [Fact]
    public async Task A_filter_that_is_not_utf8_is_InvalidArgument()
    {
        var answer = await _session.RequestAsync(w => FrameWriter.WriteFetchFiltered(w, 5, "orders"u8, 0, 0, 100, 0, [0x6b, 0xC0, 0xAF]));
        Assert.Equal(ErrorCode.InvalidArgument, answer.ErrorCode);
    }

    [Fact]
    public async Task Fetch_errors_come_first_in_the_order_of_section_3_1()
    {
        await PublishKeysAsync(["eu.1"]);
        Assert.Equal(ErrorCode.OffsetOutOfRange, (await FetchAsync(2, "key exists")).ErrorCode);
        Assert.Equal(ErrorCode.OffsetOutOfRange, (await FetchAsync(-1, "key exists")).ErrorCode);
        // Max wait is checked before the filter, and both before the offset.
        Assert.Equal(ErrorCode.InvalidArgument, (await FetchAsync(5, "key exists", waitMs: 60_001)).ErrorCode);
        Assert.Equal(ErrorCode.InvalidArgument, (await FetchAsync(5, "key ~")).ErrorCode);
        Assert.Equal(ErrorCode.UnknownTopic, (await _session.RequestAsync(w => FrameWriter.WriteFetchFiltered(w, 6, "nope"u8, 0, 0, 1, 0, "key ~"u8))).ErrorCode);
        Assert.Equal(ErrorCode.UnknownPartition, (await _session.RequestAsync(w => FrameWriter.WriteFetchFiltered(w, 7, "orders"u8, 3, 0, 1, 0, "key ~"u8))).ErrorCode);
    }

    [Fact]
    public async Task A_body_without_its_filter_is_malformed()
    {
        byte[] frame = SessionHarness.Encode(w => FrameWriter.WriteFetch(w, 9, "orders"u8, 0, 0, 1, 0));
        new FrameHeader(frame.Length - FrameHeader.Size, Opcode.FetchFiltered, FrameFlags.None, 9).Write(frame);
        await _session.SendAsync(frame);
        var answer = await _session.NextAsync();
        Assert.Equal(ErrorCode.MalformedFrame, answer!.ErrorCode);
    }
}
