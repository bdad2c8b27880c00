using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Tests.Sessions;

/// <summary>Deliveries answer requests and hold output like every other response: shutdown waits for them and the
/// output budget charges them.</summary>
public sealed class SessionDrainTests : IAsyncLifetime
{
    private readonly QueueBroker _broker = new();
    private SessionHarness _session = null!;

    public async Task InitializeAsync()
    {
        await _broker.CreateQueueAsync("jobs", "jobs", QueueBroker.Settings(), partitions: 1);
        _session = await SessionHarness.StartAsync(_broker);
    }

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task A_receive_answered_with_messages_counts_as_answered_so_a_drain_completes()
    {
        await _broker.PublishAsync("jobs", 0, "a", "b");
        var delivery = await _session.RequestAsync(w => FrameWriter.WriteReceive(w, 7, "jobs"u8, "jobs"u8, 10, 0, 0, 0));
        Assert.Equal(Opcode.Receive, delivery.Header.Opcode);

        _session.Session.BeginDrain();

        await _session.Session.Drained.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_queued_delivery_is_charged_to_the_output_budget_until_it_is_written()
    {
        await _broker.PublishAsync("jobs", 0, "a", "b", "c");
        long before = _session.Session.Output.Bytes;

        await _session.SendAsync(SessionHarness.Encode(w => FrameWriter.WriteReceive(w, 8, "jobs"u8, "jobs"u8, 10, 0, 0, 0)));

        // Not read yet: the frame sits in the queue and the budget holds at least its bytes.
        Assert.True(_session.Session.Output.Bytes - before > 3, $"budget grew by {_session.Session.Output.Bytes - before} bytes");
        var delivery = await _session.NextAsync();
        Assert.NotNull(delivery);
        Assert.True(_session.Session.Output.Bytes - before >= delivery!.Body.Length,
            "the send loop releases what it writes, so the queue must have charged at least the frame's bytes");
    }
}
