using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite;

/// <summary>
/// The answering side of <see cref="BrokerConnection.RequestAsync"/>: consumes requests from a shared subscription
/// (so any number of responders, on any connections, compete for them), runs a handler for each, publishes what it
/// returns to the request's <c>fb-reply-to</c> topic, partition 0, with the request's <c>fb-correlation-id</c>, and
/// then acks the request. Create one with <c>BrokerConnection.CreateResponder</c>; it uses the connection
/// without owning it. The counters are thread-safe.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A request without both headers (or whose <c>fb-reply-to</c> is not a valid topic name) is acked without
/// calling the handler, and counted in <see cref="RequestsSkipped"/>.</item>
/// <item>When the reply topic is gone (<see cref="ErrorCode.UnknownTopic"/>: the requester's connection closed) the
/// reply is dropped, the request acked, and <see cref="RepliesDropped"/> counts it.</item>
/// <item>When the handler throws <see cref="RequestFailedException"/> the responder publishes an error reply instead
/// (headers <c>fb-reply-error</c> and <c>fb-reply-error-code</c>, empty value), acks the request, and
/// <see cref="ErrorsSent"/> counts it; the requester's <see cref="BrokerConnection.RequestAsync"/> throws the same
/// exception type at once.</item>
/// <item>When the handler throws anything else (or the reply cannot be published for another reason) the request is
/// nacked and delivered again, to this or another responder, until the subscription's max deliveries; then it goes to
/// the subscription's dead-letter topic. The requester hears nothing and times out.</item>
/// <item>A request is acked only after its reply is stored, so a responder that fails in between handles the
/// request again and the requester may get two replies: it keeps the first and drops the other.</item>
/// </list>
/// </remarks>
public sealed class Responder
{
    private readonly BrokerConnection _connection;
    // Exactly one is set: the handler of values, or the handler of replies with headers.
    private readonly Func<QueueMessage, CancellationToken, ValueTask<ReadOnlyMemory<byte>>>? _valueHandler;
    private readonly Func<QueueMessage, CancellationToken, ValueTask<ResponderReply>>? _replyHandler;
    private long _replied;
    private long _skipped;
    private long _dropped;
    private long _errors;

    internal Responder(BrokerConnection connection, string topic, string subscription,
        Func<QueueMessage, CancellationToken, ValueTask<ReadOnlyMemory<byte>>>? valueHandler,
        Func<QueueMessage, CancellationToken, ValueTask<ResponderReply>>? replyHandler)
    {
        _connection = connection;
        Topic = topic;
        Subscription = subscription;
        _valueHandler = valueHandler;
        _replyHandler = replyHandler;
    }

    /// <summary>The topic requests are published to.</summary>
    public string Topic { get; }

    /// <summary>The shared subscription on <see cref="Topic"/> that the responders consume.</summary>
    public string Subscription { get; }

    /// <summary>Replies published (and their requests acked).</summary>
    public long RepliesSent => Interlocked.Read(ref _replied);

    /// <summary>Requests acked without an answer because they lacked <c>fb-reply-to</c> or <c>fb-correlation-id</c>.</summary>
    public long RequestsSkipped => Interlocked.Read(ref _skipped);

    /// <summary>Replies dropped because their reply topic no longer existed (the requester had gone).</summary>
    public long RepliesDropped => Interlocked.Read(ref _dropped);

    /// <summary>Error replies published (the handler threw <see cref="RequestFailedException"/>) and their requests
    /// acked. Not counted in <see cref="RepliesSent"/>.</summary>
    public long ErrorsSent => Interlocked.Read(ref _errors);

    /// <summary>
    /// Answers requests until <paramref name="cancellationToken"/> is canceled, then returns (no exception); see
    /// <see cref="QueueConsumer.ConsumeAsync"/> for <paramref name="options"/> (prefetch, handlers in parallel) and for
    /// what ends it with an exception. The handler's token is canceled when answering stops.
    /// </summary>
    public Task RunAsync(ConsumeOptions? options = null, CancellationToken cancellationToken = default)
        => _connection.OpenSubscription(Topic, Subscription).ConsumeAsync(HandleAsync, options, cancellationToken);

    private async ValueTask HandleAsync(QueueMessage request, CancellationToken cancellationToken)
    {
        if (!request.TryGetHeader(ReplyHeaders.CorrelationId, out var correlationId)
            || !request.TryGetHeader(ReplyHeaders.ReplyTo, out var replyTo)
            || !IsTopicName(replyTo.Span))
        {
            Interlocked.Increment(ref _skipped);
            return;
        }

        ReadOnlyMemory<byte> value;
        RecordHeader[] headers;
        bool failed = false;
        try
        {
            if (_valueHandler is not null)
            {
                value = await _valueHandler(request, cancellationToken).ConfigureAwait(false);
                headers = [new RecordHeader(ReplyHeaders.CorrelationId, correlationId)];
            }
            else
            {
                var reply = await _replyHandler!(request, cancellationToken).ConfigureAwait(false);
                value = reply.Value;
                headers = WithCorrelationId(reply.Headers.Span, correlationId);
            }
        }
        catch (RequestFailedException e)
        {
            value = ReadOnlyMemory<byte>.Empty;
            headers = ErrorHeaders(e, correlationId);
            failed = true;
        }

        using var batch = new RecordBatchBuilder(RecordBatchBuilder.MeasureRecord(0, headers, value.Length) + RecordBatchHeader.Size + 64);
        batch.Append(_connection.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), hasKey: false, default, headers, value.Span);
        try
        {
            await _connection.PublishAsync(System.Text.Encoding.ASCII.GetString(replyTo.Span), 0, batch.Seal(), cancellationToken).ConfigureAwait(false);
            if (failed)
                Interlocked.Increment(ref _errors);
            else
                Interlocked.Increment(ref _replied);
        }
        catch (BrokerException e) when (e.Code is ErrorCode.UnknownTopic or ErrorCode.UnknownPartition)
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    // Checked again here (ResponderReply's constructor checks too) because the caller's header array may have
    // changed since; a reserved name is a bug in the handler, so the request is nacked like any handler failure.
    private static RecordHeader[] WithCorrelationId(ReadOnlySpan<RecordHeader> handlerHeaders, ReadOnlyMemory<byte> correlationId)
    {
        var all = new RecordHeader[handlerHeaders.Length + 1];
        for (int i = 0; i < handlerHeaders.Length; i++)
        {
            if (handlerHeaders[i].Name is not { } name || ReplyHeaders.IsReserved(name))
                throw new ArgumentException($"The reply header name '{handlerHeaders[i].Name}' is reserved for request/reply (fb-correlation-id, fb-reply-*).");
            all[i] = handlerHeaders[i];
        }
        all[^1] = new RecordHeader(ReplyHeaders.CorrelationId, correlationId);
        return all;
    }

    private static RecordHeader[] ErrorHeaders(RequestFailedException error, ReadOnlyMemory<byte> correlationId)
    {
        var message = new RecordHeader(ReplyHeaders.Error, Bounded(error.Message));
        var correlation = new RecordHeader(ReplyHeaders.CorrelationId, correlationId);
        return error.Code is { } code
            ? [correlation, message, new RecordHeader(ReplyHeaders.ErrorCode, Bounded(code))]
            : [correlation, message];
    }

    private static byte[] Bounded(string text)
    {
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(text);
        int length = ReplyHeaders.TruncatedLength(utf8, ReplyHeaders.MaxErrorBytes);
        return length == utf8.Length ? utf8 : utf8[..length];
    }

    // PROTOCOL.md section 10; checked here so that a bad header is the request's problem, not a failed publish.
    private static bool IsTopicName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > Protocol.MaxTopicNameBytes || name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
            return false;
        foreach (byte b in name)
        {
            if (!(b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'.' or (byte)'_' or (byte)'-'))
                return false;
        }
        return true;
    }
}
