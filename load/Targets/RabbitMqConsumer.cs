using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FastBroker.Load.Targets;

/// <summary>One consumer on its own connection and channel, subscribed to every partition queue; the client
/// dispatches deliveries one at a time, and each is acked after the handler saw it.</summary>
internal sealed class RabbitMqConsumer : IConsumer
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string[] _queues;
    private int _disposed;

    public RabbitMqConsumer(IConnection connection, IChannel channel, string[] queues)
    {
        _connection = connection;
        _channel = channel;
        _queues = queues;
    }

    /// <remarks>Deliveries that arrive after the handler returned false are not acked; RabbitMQ requeues them when
    /// the channel closes.</remarks>
    public async Task<long> ConsumeAsync(MessageHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var run = new Run(_channel, handler);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += run.OnReceivedAsync;
        consumer.ShutdownAsync += run.OnShutdownAsync;
        var tags = new List<string>(_queues.Length);
        try
        {
            foreach (string queue in _queues)
                tags.Add(await _channel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken).ConfigureAwait(false));
            await run.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancellation is how a timed run ends.
        }
        finally
        {
            run.Stop();
            if (_channel.IsOpen)
            {
                foreach (string tag in tags)
                    await _channel.BasicCancelAsync(tag, noWait: false, CancellationToken.None).ConfigureAwait(false);
            }
        }
        return run.Handled;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _channel.CloseAsync().ConfigureAwait(false);
        await _channel.DisposeAsync().ConfigureAwait(false);
        await _connection.CloseAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>State of one ConsumeAsync call, touched only by the channel's single dispatcher.</summary>
    private sealed class Run(IChannel channel, MessageHandler handler)
    {
        private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _stopped;
        private long _handled;

        public Task Finished => _finished.Task;

        public long Handled => Volatile.Read(ref _handled);

        public void Stop() => _stopped = true;

        public async Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
        {
            if (_stopped)
                return;
            try
            {
                bool more = handler(delivery.Body.Span);
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).ConfigureAwait(false);
                Interlocked.Increment(ref _handled);
                if (!more)
                {
                    _stopped = true;
                    _finished.TrySetResult();
                }
            }
            catch (Exception e)
            {
                // The client would only log a handler failure; surface it to ConsumeAsync instead.
                _stopped = true;
                _finished.TrySetException(e);
            }
        }

        /// <summary>A channel the broker closed (say, after a failed ack) delivers nothing more: fail the run rather
        /// than wait for a cancellation that may never come.</summary>
        public Task OnShutdownAsync(object sender, ShutdownEventArgs reason)
        {
            _stopped = true;
            _finished.TrySetException(new InvalidOperationException($"RabbitMQ closed the consumer's channel: {reason.ReplyText}"));
            return Task.CompletedTask;
        }
    }
}
