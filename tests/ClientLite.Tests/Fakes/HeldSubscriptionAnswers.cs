using FastBroker.Wire;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>
/// Makes a fake broker start subscriptions at once but hold its answers to Subscribe and Unsubscribe until the test
/// releases them: the window in which a canceled subscriber could return before it unsubscribed. Disposing releases both.
/// </summary>
internal sealed class HeldSubscriptionAnswers : IDisposable
{
    private readonly TaskCompletionSource _subscribe = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _unsubscribe = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HeldSubscriptionAnswers(FakeBroker broker)
        => broker.Intercept = request => request.Opcode switch
        {
            Opcode.Subscribe => new FakeReply(Gate: _subscribe.Task),
            Opcode.Unsubscribe => new FakeReply(Gate: _unsubscribe.Task),
            _ => null,
        };

    public void ReleaseUnsubscribe() => _unsubscribe.TrySetResult();

    public void Dispose()
    {
        _unsubscribe.TrySetResult();
        _subscribe.TrySetResult();
    }
}
