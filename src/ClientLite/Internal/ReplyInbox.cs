using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Internal;

/// <summary>
/// A connection's reply topic (temporary, one partition) and the requests waiting on it. One long-poll fetch loop
/// reads the topic and hands each record to the request whose correlation id it carries: one dictionary lookup per
/// reply; records with an id nobody waits for (late, duplicate, foreign) are dropped. When the loop ends (the
/// connection is lost, the topic was deleted) every waiting request fails with the reason, and so does every later
/// registration: the connection then starts a new inbox.
/// </summary>
internal sealed class ReplyInbox
{
    private const int FetchMaxBytes = 256 * 1024;
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(20);

    private readonly BrokerConnection _connection;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, TaskCompletionSource<Reply>> _waiting = [];
    private Exception? _failure;
    private Task _loop = Task.CompletedTask;

    private ReplyInbox(BrokerConnection connection, string topic)
    {
        _connection = connection;
        Topic = topic;
        TopicUtf8 = Encoding.ASCII.GetBytes(topic);
    }

    /// <summary>The reply topic: "fb.reply." and 16 random hex digits.</summary>
    public string Topic { get; }

    /// <summary>The reply topic's name as the <c>fb-reply-to</c> header value.</summary>
    public byte[] TopicUtf8 { get; }

    /// <summary>True once the fetch loop has ended; nothing more will be delivered.</summary>
    public bool Failed
    {
        get
        {
            lock (_lock)
                return _failure is not null;
        }
    }

    /// <summary>Requests waiting for a reply (for tests: a timed-out or canceled request leaves no entry behind).</summary>
    internal int WaitingCount
    {
        get
        {
            lock (_lock)
                return _waiting.Count;
        }
    }

    /// <summary>The fetch loop; ends when the inbox fails.</summary>
    public Task Loop => _loop;

    /// <summary>Creates the reply topic on <paramref name="connection"/> and starts reading it.</summary>
    public static async Task<ReplyInbox> CreateAsync(BrokerConnection connection)
    {
        string name = "fb.reply." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        await connection.CreateTopicAsync(name, 1, temporary: true).ConfigureAwait(false);
        var inbox = new ReplyInbox(connection, name);
        inbox._loop = Task.Run(inbox.FetchLoopAsync);
        return inbox;
    }

    /// <summary>Registers a request before it is published, so its reply cannot arrive unmatched.</summary>
    public Task<Reply> Register(long correlationId)
    {
        var waiter = new TaskCompletionSource<Reply>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_failure is { } failure)
                return Task.FromException<Reply>(failure);
            _waiting.Add(correlationId, waiter);
        }
        return waiter.Task;
    }

    /// <summary>Removes a request that is done (answered, timed out, canceled or failed); a reply after that is dropped.</summary>
    public void Forget(long correlationId)
    {
        lock (_lock)
            _waiting.Remove(correlationId);
    }

    // The topic was created empty just before, so reading from offset 0 is reading from its end, and a reply that
    // lands before the first fetch is still seen.
    private async Task FetchLoopAsync()
    {
        long next = 0;
        try
        {
            while (true)
            {
                using var fetched = await _connection.FetchAsync(Topic, 0, next, FetchMaxBytes, LongPoll).ConfigureAwait(false);
                next = Dispatch(fetched.Batches.Span, next);
            }
        }
        catch (Exception e)
        {
            // Every way the loop ends is the waiting requests' answer: the connection's exception when it is lost.
            Fail(e);
        }
    }

    private long Dispatch(ReadOnlySpan<byte> batches, long next)
    {
        while (!batches.IsEmpty)
        {
            if (!CheckedBatches.TryTake(batches, out var batch, out string? problem))
                throw _connection.ProtocolViolation($"{problem} in reply topic {Topic}");
            var reader = new RecordBatchReader(batch);
            RecordReadStatus status;
            while ((status = reader.TryReadNext(out var record)) == RecordReadStatus.Ok)
            {
                if (record.Offset < next)
                    continue;
                Deliver(record);
                next = record.Offset + 1;
            }
            if (status == RecordReadStatus.Malformed)
                throw _connection.ProtocolViolation($"a malformed record in reply topic {Topic}");
            batches = batches[batch.Length..];
        }
        return next;
    }

    private void Deliver(in Record record)
    {
        if (!HeaderLookup.TryFind(record.Headers, ReplyHeaders.CorrelationIdUtf8, out var idText)
            || !Utf8Parser.TryParse(idText, out long id, out int consumed) || consumed != idText.Length)
            return;
        TaskCompletionSource<Reply>? waiter;
        lock (_lock)
        {
            if (!_waiting.Remove(id, out waiter))
                return;
        }
        waiter.TrySetResult(Copy(record));
    }

    // One array holds the key, headers and value: the reply outlives the pooled fetch buffer.
    private static Reply Copy(in Record record)
    {
        int keyLength = record.HasKey ? record.Key.Length : 0;
        byte[] bytes = new byte[keyLength + record.Headers.Length + record.Value.Length];
        record.Key.CopyTo(bytes);
        record.Headers.CopyTo(bytes.AsSpan(keyLength));
        record.Value.CopyTo(bytes.AsSpan(keyLength + record.Headers.Length));
        var memory = bytes.AsMemory();
        return new Reply(record.Timestamp, record.HasKey, memory[..keyLength], memory[(keyLength + record.Headers.Length)..],
            memory.Slice(keyLength, record.Headers.Length), record.HeaderCount);
    }

    private void Fail(Exception reason)
    {
        List<TaskCompletionSource<Reply>> failed;
        lock (_lock)
        {
            _failure ??= reason;
            failed = [.. _waiting.Values];
            _waiting.Clear();
        }
        foreach (var waiter in failed)
            waiter.TrySetException(reason);
    }
}
