using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Tests.Transport;

/// <summary>Shutdown of one connection (OPERATIONS.md "Shutdown"): what was read before the drain began gets its real
/// answer, what comes after gets ShuttingDown, input still unread is read and answered too, and only then it closes.</summary>
public sealed class ConnectionDrainTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan QuietLook = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task Requests_read_before_the_drain_are_answered_before_the_close_and_later_ones_get_ShuttingDown()
    {
        await using var h = new ConnectionHarness();
        await h.Broker.CreateTopicAsync("t");
        await h.HandshakeAsync();
        // A long poll on an empty partition: read now, answered only once something is published.
        await h.SendAsync(w => FrameWriter.WriteFetch(w, 2, "t"u8, 0, 0, 1 << 16, 60_000));
        await h.PingAsync();

        h.Connection.BeginDrain();
        await h.SendAsync(w => FrameWriter.WritePing(w, 20, "late"u8));
        var refused = await h.ExpectFrameAsync();
        Assert.Equal((Opcode.Error, 20u, ErrorCode.ShuttingDown), (refused.Header.Opcode, refused.Header.RequestId, refused.ErrorCode));

        var finishing = h.Connection.FinishDrainAsync(Grace);
        for (int i = 0; i < 10; i++) h.Clock.Advance(QuietLook);
        Assert.False(finishing.IsCompleted, "the drain finished with the fetch still unanswered");

        await h.Broker.PublishAsync("t", 0, "x");
        var fetched = await h.ExpectFrameAsync();
        Assert.Equal((Opcode.Fetch, 2u), (fetched.Header.Opcode, fetched.Header.RequestId));
        Assert.True(FetchResponse.TryParse(fetched.Body, out var response));
        Assert.Equal(1, response.LogEndOffset);
        Assert.False(response.Batches.IsEmpty);

        await h.AdvanceUntilAsync(finishing, QuietLook);
        await h.ExpectClosedAsync();
    }

    [Fact]
    public async Task Input_still_unread_when_the_drain_finishes_is_read_and_answered_ShuttingDown_before_the_close()
    {
        await using var h = new ConnectionHarness();
        await h.HandshakeAsync();
        h.Channel.HoldInput();
        await h.SendAsync(w => FrameWriter.WritePing(w, 2, "in the socket"u8));

        h.Connection.BeginDrain();
        var finishing = h.Connection.FinishDrainAsync(Grace);
        // Every answer is queued, but the input is not quiet: the drain must not close over the unread request.
        for (int i = 0; i < 20; i++)
        {
            h.Clock.Advance(QuietLook);
            await Task.Yield();
        }
        Assert.False(finishing.IsCompleted, "the drain closed with a request unread");

        await h.Channel.ReleaseInputAsync();
        // The clock stands still until the answer is read, so no quiet look can end the drain before it is queued.
        var refused = await h.ExpectFrameAsync();
        Assert.Equal((Opcode.Error, 2u, ErrorCode.ShuttingDown), (refused.Header.Opcode, refused.Header.RequestId, refused.ErrorCode));

        await h.AdvanceUntilAsync(finishing, QuietLook);
        await h.ExpectClosedAsync();
    }
}
