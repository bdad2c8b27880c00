using System.Globalization;
using System.Runtime.CompilerServices;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite;

public sealed partial class BrokerConnection
{
    // Requests go out through one producer per topic, without linger: the Producer's partitioner (key hash, else
    // round robin) and its batching of concurrent requests, without waiting for more.
    private static readonly ProducerOptions RequestProducerOptions = new() { Linger = TimeSpan.Zero, Idempotent = false };

    private readonly Lock _replyLock = new();
    private readonly Dictionary<string, Task<Producer>> _requestProducers = new(StringComparer.Ordinal);
    private Task<ReplyInbox>? _replyInbox;
    private long _nextCorrelationId;

    /// <summary>
    /// Publishes a request to <paramref name="topic"/> and waits for its reply, as RabbitMQ's direct reply-to or NATS's
    /// request. On first use the connection creates its reply topic (temporary, one partition, named
    /// <c>fb.reply.</c> and 16 random hex digits) and reads it from then on. The request carries the headers
    /// <c>fb-reply-to</c> (that topic) and <c>fb-correlation-id</c> (a per-connection number, in decimal) after
    /// <paramref name="headers"/>; it goes to the partition of <paramref name="key"/>, or round robin without one, as
    /// <see cref="Producer.SendAsync(ReadOnlyMemory{byte}, ReadOnlyMemory{byte}?, int?, ReadOnlyMemory{FastBroker.Wire.Records.RecordHeader}, CancellationToken)"/> places it. A responder (<see cref="Responder"/>) publishes the reply to the reply
    /// topic with the same correlation id.
    /// </summary>
    /// <remarks>
    /// Throws <see cref="RequestFailedException"/> (message and code from the reply, the reply in
    /// <see cref="RequestFailedException.Reply"/>) when the reply is an error reply: it carries <c>fb-reply-error</c>.
    /// Fails with <see cref="TimeoutException"/> when no reply arrives within <paramref name="timeout"/> (which covers
    /// the publish too), <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is
    /// canceled, <see cref="BrokerException"/> when the publish is refused (<see cref="ErrorCode.UnknownTopic"/>, ...),
    /// and <see cref="BrokerConnectionException"/> when the connection is lost. In every case the request is
    /// forgotten: a reply that comes later is dropped. The request itself may still be handled after a timeout, a
    /// cancellation or a lost connection (it is stored once published), so handlers should be idempotent. Replies are
    /// at most once: one published while the connection is down is lost with the reply topic. Thread-safe.
    /// </remarks>
    public async ValueTask<Reply> RequestAsync(string topic, ReadOnlyMemory<byte> payload, TimeSpan timeout,
        ReadOnlyMemory<byte>? key = null, ReadOnlyMemory<RecordHeader> headers = default, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A request timeout is positive (or infinite).");
        // One deadline over every step (reply topic, producer, publish, reply); told apart from the caller's token.
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var inbox = await GetReplyInbox().WaitAsync(linked.Token).ConfigureAwait(false);
            var producer = await GetRequestProducer(topic).WaitAsync(linked.Token).ConfigureAwait(false);
            long id = Interlocked.Increment(ref _nextCorrelationId);
            var reply = inbox.Register(id);
            try
            {
                var all = new RecordHeader[headers.Length + 2];
                headers.Span.CopyTo(all);
                all[^2] = new RecordHeader(ReplyHeaders.ReplyTo, inbox.TopicUtf8);
                all[^1] = new RecordHeader(ReplyHeaders.CorrelationId, System.Text.Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture)));
                await SendRequestAsync(producer, topic, payload, key, all, cancellationToken).WaitAsync(linked.Token).ConfigureAwait(false);
                var answer = await reply.WaitAsync(linked.Token).ConfigureAwait(false);
                return ThrowIfError(answer);
            }
            finally
            {
                inbox.Forget(id);
            }
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No reply to a request on '{topic}' within {timeout}.", e);
        }
    }

    /// <summary>
    /// A <see cref="Responder"/> that answers requests published to <paramref name="topic"/> through the existing shared
    /// subscription <paramref name="subscription"/> (create it first, e.g. with <see cref="CreateQueueAsync"/>).
    /// <paramref name="handler"/> gets each request and returns the reply's value, or throws
    /// <see cref="RequestFailedException"/> to answer with an error. Nothing is sent until <see cref="Responder.RunAsync"/>.
    /// </summary>
    // A lambda that fits both overloads (one that only throws) binds here, as it did before the other existed.
    [OverloadResolutionPriority(1)]
    public Responder CreateResponder(string topic, string subscription, Func<QueueMessage, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        CheckResponderNames(topic, subscription);
        return new Responder(this, topic, subscription, handler, null);
    }

    /// <summary>
    /// As <see cref="CreateResponder(string, string, Func{QueueMessage, CancellationToken, ValueTask{ReadOnlyMemory{byte}}})"/>,
    /// with a <paramref name="handler"/> that returns the reply's value and headers (a <see cref="ResponderReply"/>).
    /// </summary>
    public Responder CreateResponder(string topic, string subscription, Func<QueueMessage, CancellationToken, ValueTask<ResponderReply>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        CheckResponderNames(topic, subscription);
        return new Responder(this, topic, subscription, null, handler);
    }

    /// <summary>
    /// Answers requests on <paramref name="topic"/> through <paramref name="subscription"/> until
    /// <paramref name="cancellationToken"/> is canceled: <see cref="CreateResponder(string, string, Func{QueueMessage, CancellationToken, ValueTask{ReadOnlyMemory{byte}}})"/>,
    /// then <see cref="Responder.RunAsync"/>.
    /// </summary>
    // A lambda that fits both overloads (one that only throws) binds here, as it did before the other existed.
    [OverloadResolutionPriority(1)]
    public Task RespondAsync(string topic, string subscription, Func<QueueMessage, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> handler,
        ConsumeOptions? options = null, CancellationToken cancellationToken = default)
        => CreateResponder(topic, subscription, handler).RunAsync(options, cancellationToken);

    /// <summary>
    /// Answers requests on <paramref name="topic"/> through <paramref name="subscription"/> until
    /// <paramref name="cancellationToken"/> is canceled, with replies that carry headers:
    /// <see cref="CreateResponder(string, string, Func{QueueMessage, CancellationToken, ValueTask{ResponderReply}})"/>, then
    /// <see cref="Responder.RunAsync"/>.
    /// </summary>
    public Task RespondAsync(string topic, string subscription, Func<QueueMessage, CancellationToken, ValueTask<ResponderReply>> handler,
        ConsumeOptions? options = null, CancellationToken cancellationToken = default)
        => CreateResponder(topic, subscription, handler).RunAsync(options, cancellationToken);

    private static void CheckResponderNames(string topic, string subscription)
    {
        EncodeName(topic, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(topic));
        EncodeName(subscription, stackalloc byte[Protocol.MaxTopicNameBytes], nameof(subscription));
    }

    // An error reply (PROTOCOL.md section 8.12) becomes the exception the responder's handler threw.
    private static Reply ThrowIfError(Reply reply)
    {
        var headers = reply.Headers.Span;
        if (!HeaderLookup.TryFind(headers, ReplyHeaders.ErrorUtf8, out var message))
            return reply;
        string? code = HeaderLookup.TryFind(headers, ReplyHeaders.ErrorCodeUtf8, out var codeBytes)
            ? System.Text.Encoding.UTF8.GetString(codeBytes)
            : null;
        throw new RequestFailedException(System.Text.Encoding.UTF8.GetString(message), code, reply);
    }

    /// <summary>The reply topic's name once the first request has created it; null before.</summary>
    public string? ReplyTopic
    {
        get
        {
            lock (_replyLock)
                return _replyInbox is { IsCompletedSuccessfully: true } ready ? ready.Result.Topic : null;
        }
    }

    /// <summary>The inbox in use, for tests.</summary>
    internal ReplyInbox? CurrentReplyInbox
    {
        get
        {
            lock (_replyLock)
                return _replyInbox is { IsCompletedSuccessfully: true } ready ? ready.Result : null;
        }
    }

    private async Task SendRequestAsync(Producer producer, string topic, ReadOnlyMemory<byte> payload, ReadOnlyMemory<byte>? key,
        RecordHeader[] headers, CancellationToken cancellationToken)
    {
        try
        {
            await producer.SendAsync(payload, key, headers: headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerException e) when (e.Code is ErrorCode.UnknownTopic or ErrorCode.UnknownPartition)
        {
            // The topic went away (or came back different): the next request reads its metadata again.
            lock (_replyLock)
            {
                if (_requestProducers.TryGetValue(topic, out var cached) && cached.IsCompletedSuccessfully && cached.Result == producer)
                    _requestProducers.Remove(topic);
            }
            throw;
        }
    }

    // Shared by every request; a new one is started only after the previous one failed (its topic may then be gone).
    private Task<ReplyInbox> GetReplyInbox()
    {
        lock (_replyLock)
        {
            if (_replyInbox is { } current && !current.IsFaulted && !current.IsCanceled
                && !(current.IsCompletedSuccessfully && current.Result.Failed))
                return current;
            return _replyInbox = ReplyInbox.CreateAsync(this);
        }
    }

    private Task<Producer> GetRequestProducer(string topic)
    {
        lock (_replyLock)
        {
            if (_requestProducers.TryGetValue(topic, out var current) && !current.IsFaulted && !current.IsCanceled)
                return current;
            var created = CreateProducerAsync(topic, RequestProducerOptions).AsTask();
            _requestProducers[topic] = created;
            return created;
        }
    }

    /// <summary>Stops the request/reply machinery of a closed connection: producers give their buffers back.</summary>
    private async Task DisposeRequestReplyAsync()
    {
        Task<Producer>[] producers;
        Task<ReplyInbox>? inbox;
        lock (_replyLock)
        {
            producers = [.. _requestProducers.Values];
            _requestProducers.Clear();
            inbox = _replyInbox;
        }
        foreach (var producer in producers)
        {
            if (producer.IsCompletedSuccessfully)
                await producer.Result.DisposeAsync().ConfigureAwait(false);
        }
        if (inbox is { IsCompletedSuccessfully: true })
            await inbox.Result.Loop.ConfigureAwait(false);
    }
}
