using System.Text;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests;

/// <summary>The producer's side of deduplication ids (PROTOCOL.md 5.7, 6.8): the header it writes, and each message's
/// offset from a Publish answer that lists duplicates.</summary>
public sealed class DedupIdTests
{
    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    // Five messages in one batch, answered with the given base offset and duplicates.
    private static async Task<long[]> SendFiveAsync(long baseOffset, params PublishDuplicate[] duplicates)
    {
        var time = new FakeTimeProvider();
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        broker.Intercept = r => r.Opcode == Opcode.Publish
            ? new FakeReply(Respond: id => Frames.Encode(w => FrameWriter.WritePublishResponse(w, id, baseOffset, duplicates)))
            : null;
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint, new BrokerConnectionOptions { TimeProvider = time });
        await using var producer = await connection.CreateProducerAsync("t", new ProducerOptions { Linger = TimeSpan.FromSeconds(1), Idempotent = false });

        var sends = new List<ValueTask<long>>();
        for (int i = 0; i < 5; i++)
            sends.Add(producer.SendAsync(Bytes($"m{i}"), $"id-{i}"));
        await producer.FlushAsync();
        var offsets = new long[5];
        for (int i = 0; i < 5; i++) offsets[i] = await sends[i];
        Assert.Equal(1, broker.Count(Opcode.Publish));
        return offsets;
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Duplicates_get_their_original_offsets_and_the_rest_consecutive_ones()
    {
        long[] offsets = await SendFiveAsync(10, new PublishDuplicate(1, 3), new PublishDuplicate(3, 5));
        Assert.Equal([10L, 3, 11, 5, 12], offsets);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task When_every_message_was_a_duplicate_each_gets_its_original_offset()
    {
        long[] offsets = await SendFiveAsync(-1,
            new PublishDuplicate(0, 7), new PublishDuplicate(1, 8), new PublishDuplicate(2, 2), new PublishDuplicate(3, 9), new PublishDuplicate(4, 4));
        Assert.Equal([7L, 8, 2, 9, 4], offsets);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_plain_answer_gives_base_plus_index()
    {
        long[] offsets = await SendFiveAsync(20);
        Assert.Equal([20L, 21, 22, 23, 24], offsets);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task The_id_goes_first_among_the_headers_and_an_id_of_the_wrong_size_is_refused_at_once()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var producer = await connection.CreateProducerAsync("t", new ProducerOptions { Linger = TimeSpan.Zero });

        Assert.Throws<ArgumentException>(() => producer.SendAsync(Bytes("x"), ""));
        Assert.Throws<ArgumentException>(() => producer.SendAsync(Bytes("x"), new string('é', 65)));
        long offset = await producer.SendAsync(Bytes("v"), "order-1", headers: new[] { new RecordHeader("type", Bytes("created")) });

        Assert.Equal(0, offset);
        var batch = Assert.Single(broker.Store.Batches("t", 0));
        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
        var headers = new RecordHeaderReader(record.Headers);
        Assert.True(headers.TryReadNext(out var name, out var value));
        Assert.Equal("fb-dedup-id", Encoding.UTF8.GetString(name));
        Assert.Equal("order-1", Encoding.UTF8.GetString(value));
        Assert.True(headers.TryReadNext(out name, out _));
        Assert.Equal("type", Encoding.UTF8.GetString(name));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task An_answer_whose_duplicate_list_does_not_fit_its_length_fails_the_send()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        // Count 2, one entry.
        byte[] body = [.. new byte[8], 2, 0, 0, 0, .. new byte[12]];
        broker.Intercept = r => r.Opcode == Opcode.Publish
            ? new FakeReply(Respond: id => Frames.Encode(w =>
            {
                var span = w.GetSpan(FrameHeader.Size + body.Length);
                new FrameHeader(body.Length, Opcode.Publish, FrameFlags.Response, id).Write(span);
                body.CopyTo(span[FrameHeader.Size..]);
                w.Advance(FrameHeader.Size + body.Length);
            }))
            : null;
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        await Assert.ThrowsAnyAsync<Exception>(async () => await connection.PublishAsync("t", 0, TestBatches.Of("x")));
    }
}
