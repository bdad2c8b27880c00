using FastBroker.Server.Hosting;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Tests.Transport;

/// <summary>A client that sends requests but does not read the answers holds at most about one output budget of the
/// broker's memory: the connection stops parsing its requests, and parses the rest once the client catches up.</summary>
public sealed class ConnectionBackpressureTests
{
    private const int OutputBudget = 64 * 1024;
    private const int Requests = 400;
    private const int PayloadBytes = 1000;

    [Fact]
    public async Task Receiving_pauses_while_unread_answers_are_over_the_budget_and_resumes_as_the_client_reads()
    {
        // The channel takes 16 KiB of answers and then, like a full socket, makes the broker's flushes wait.
        await using var h = new ConnectionHarness(new ServerOptions { MaxOutputBytesPerConnection = OutputBudget }, window: 16 * 1024);
        await h.HandshakeAsync();
        long framesBefore = h.Session.FramesRead;

        byte[] payload = new byte[PayloadBytes];
        await h.SendAsync(w =>
        {
            for (uint id = 2; id < 2 + Requests; id++) FrameWriter.WritePing(w, id, payload);
        });

        await ConnectionHarness.EventuallyAsync(() => h.Connection.ReceivingPaused, "the receive loop to pause");
        long handled = h.Session.FramesRead - framesBefore;
        long held = h.Session.Output.Bytes;
        // About a budget's worth of answers (~1 KiB each) was produced, far from all 400 (~400 KiB).
        Assert.InRange(handled, OutputBudget / (PayloadBytes + 100), Requests / 2);
        // The loop checks the budget before every frame, so it overshoots by one answer at most.
        Assert.InRange(held, OutputBudget + 1, OutputBudget + PayloadBytes + 100);

        for (uint id = 2; id < 2 + Requests; id++)
        {
            var pong = await h.ExpectFrameAsync();
            Assert.Equal((Opcode.Ping, id), (pong.Header.Opcode, pong.Header.RequestId));
            Assert.Equal(PayloadBytes, pong.Body.Length);
        }
        Assert.Equal(Requests, h.Session.FramesRead - framesBefore);
        Assert.False(h.Connection.ReceivingPaused);
    }
}
