using System.Threading.Channels;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Tests.Infrastructure;

/// <summary>A consumer of the in-memory targets: hands each payload of its channel to the handler until told to stop;
/// with <c>deliverNothing</c> it waits without delivering anything (a stalled broker).</summary>
internal sealed class ChannelConsumer(ChannelReader<byte[]> reader, bool deliverNothing = false) : IConsumer
{
    public async Task<long> ConsumeAsync(MessageHandler handler, CancellationToken cancellationToken)
    {
        long handled = 0;
        try
        {
            if (deliverNothing)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return 0;
            }
            await foreach (var payload in reader.ReadAllAsync(cancellationToken))
            {
                handled++;
                if (!handler(payload))
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // How the harness stops a consumer.
        }
        return handled;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
