using System.Buffers;
using System.Buffers.Binary;
using System.Text.Unicode;
using System.Threading.Channels;
using FastBroker.Server.Subscriptions;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Sessions;

/// <summary>
/// The protocol side of one connection: turns frames into work and work results into <see cref="Outbound"/> items.
/// The transport feeds it frames (<see cref="HandleFrameAsync"/>) and drains <see cref="Responses"/> into the socket
/// (<see cref="WriteResponse"/>). Hot requests complete synchronously; only admin calls and long polls await.
/// </summary>
internal sealed partial class Session : IPublishCompletion, ISettleCompletion, IDisposable
{
    private readonly BrokerContext _broker;
    private readonly ILogger _logger;
    private readonly Channel<Outbound> _responses;
    private readonly CancellationTokenSource _closing;
    private readonly SemaphoreSlim _inFlightRoom = new(0);
    private readonly OutboundBudget _output;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _scratch = [];
    private bool _handshakeDone;
    private string _clientName = "";
    private long _inFlightBytes;
    private int _readerWaitingForRoom;

    // Every frame read is a request owed exactly one answer; shutdown waits until the two counts meet.
    private long _framesRead;
    private long _answered;
    private int _draining;
    private int _livePushes;

    public Session(BrokerContext broker, long connectionId)
    {
        _broker = broker;
        ConnectionId = connectionId;
        _logger = broker.LoggerFactory.CreateLogger("FastBroker.Session");
        _responses = Channel.CreateUnbounded<Outbound>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
        _closing = CancellationTokenSource.CreateLinkedTokenSource(broker.Stopping);
        _output = new OutboundBudget(broker.Limits.MaxOutputBytesPerConnection);
    }

    public long ConnectionId { get; }

    public ChannelReader<Outbound> Responses => _responses.Reader;

    /// <summary>Bytes of responses queued or not yet taken by the socket; the transport pauses reading on it.</summary>
    public OutboundBudget Output => _output;

    /// <summary>True once the handshake succeeded: larger frames and no handshake deadline from then on.</summary>
    public bool HandshakeDone => Volatile.Read(ref _handshakeDone);

    /// <summary>Completes when, after <see cref="BeginDrain"/>, every frame read so far has been answered.</summary>
    public Task Drained => _drained.Task;

    /// <summary>Frames handed to <see cref="HandleFrameAsync"/> so far, each a request owed one answer.</summary>
    public long FramesRead => Volatile.Read(ref _framesRead);

    /// <summary>
    /// Handles one complete frame. Returns false when the connection must stop reading (a Close item has been
    /// queued behind the error that explains why).
    /// </summary>
    public ValueTask<bool> HandleFrameAsync(in FrameHeader header, in ReadOnlySequence<byte> body)
    {
        Volatile.Write(ref _framesRead, _framesRead + 1);
        if (Volatile.Read(ref _draining) != 0)
            return new ValueTask<bool>(RefuseStopping(header.RequestId));
        if (!_handshakeDone)
            return new ValueTask<bool>(Handshake(header, Contiguous(body)));

        // An answer with id 0 would read as a failure of the whole connection (PROTOCOL.md section 2), so a request
        // carrying it cannot be answered on its own: it is a protocol violation.
        if (header.RequestId == 0)
            return new ValueTask<bool>(Close(0, ErrorCode.MalformedFrame, "request id 0 is reserved for errors about the connection"));

        if (header.IsResponse || header.Flags != FrameFlags.None)
        {
            Fail(header.RequestId, ErrorCode.MalformedFrame, "requests must have flags 0");
            return new ValueTask<bool>(true);
        }

        switch (header.Opcode)
        {
            case Opcode.Publish:
                return PublishAsync(header.RequestId, body);
            case Opcode.InitProducer:
                InitProducer(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.Fetch:
                Fetch(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.FetchFiltered:
                FetchFiltered(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.Ping:
                Ping(header.RequestId, body);
                return new ValueTask<bool>(true);
            case Opcode.CreateTopic:
                return CreateTopicAsync(header.RequestId, Contiguous(body));
            case Opcode.DeleteTopic:
                return DeleteTopicAsync(header.RequestId, Contiguous(body));
            case Opcode.ListTopics:
                ListTopics(header.RequestId, body);
                return new ValueTask<bool>(true);
            case Opcode.TopicMetadata:
                return TopicMetadataAsync(header.RequestId, Contiguous(body));
            case Opcode.AlterTopic:
                return AlterTopicAsync(header.RequestId, Contiguous(body));
            case Opcode.ListOffsets:
                ListOffsets(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.CommitPosition:
                CommitPosition(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.ReadPosition:
                ReadPosition(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.ListGroups:
                ListGroups(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.DescribeGroup:
                DescribeGroup(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.ResetGroup:
                ResetGroup(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.JoinGroup:
                JoinGroup(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.Heartbeat:
                Heartbeat(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.LeaveGroup:
                LeaveGroup(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.CreateSubscription:
                return CreateSubscriptionAsync(header.RequestId, Contiguous(body));
            case Opcode.DeleteSubscription:
                return DeleteSubscriptionAsync(header.RequestId, Contiguous(body));
            case Opcode.SubscriptionStats:
                SubscriptionStats(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.ResetSubscription:
                return ResetSubscriptionAsync(header.RequestId, Contiguous(body));
            case Opcode.Receive:
                Receive(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.Ack or Opcode.Nack or Opcode.Extend:
                Settle(header.Opcode, header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.Subscribe:
                Subscribe(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.Credit:
                Credit(header.RequestId, Contiguous(body));
                return new ValueTask<bool>(true);
            case Opcode.Unsubscribe:
                return UnsubscribeAsync(header.RequestId, Contiguous(body));
            case Opcode.Handshake:
                return new ValueTask<bool>(Close(0, ErrorCode.HandshakeRequired, "handshake already done on this connection"));
            default:
                Fail(header.RequestId, ErrorCode.UnknownOpcode, $"unknown opcode 0x{(ushort)header.Opcode:X4}");
                return new ValueTask<bool>(true);
        }
    }

    /// <summary>Answers a length prefix over the cap: the stream cannot be re-synchronised, so the connection closes.</summary>
    public void RejectOversizedFrame(in FrameHeader header)
        => Close(0, ErrorCode.FrameTooLarge,
            $"frame body of {header.BodyLength} bytes exceeds the limit of {_broker.Limits.MaxFrameBytes} bytes");

    // Checked in the order PROTOCOL.md section 4 gives: the version comes before the rest of the grammar so a
    // later version may change the handshake body and still get a clear UnsupportedVersion from this broker.
    private bool Handshake(in FrameHeader header, ReadOnlySpan<byte> body)
    {
        if (header.Opcode != Opcode.Handshake)
            return Close(0, ErrorCode.HandshakeRequired, "the first frame on a connection must be a handshake");
        if (header.Flags != FrameFlags.None || header.RequestId == 0)
            return Close(0, ErrorCode.MalformedFrame, "a handshake is a request: flags 0 and a request id other than 0");
        if (body.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(body) != Protocol.Magic)
            return Close(0, ErrorCode.BadMagic, $"bad handshake magic; expected 0x{Protocol.Magic:X8} (\"FBRK\")");
        if (body.Length < 6)
            return Close(0, ErrorCode.MalformedFrame, "malformed handshake");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(body[4..]);
        if (version != Protocol.Version)
            return Close(0, ErrorCode.UnsupportedVersion, $"protocol version {version} is not supported; this broker speaks version {Protocol.Version}");
        if (!HandshakeRequest.TryParse(body, out var request) || !Utf8.IsValid(request.ClientName))
            return Close(0, ErrorCode.MalformedFrame, "malformed handshake");
        if (request.AuthMechanism != 0)
            return Close(0, ErrorCode.UnsupportedFeature, $"authentication mechanism {request.AuthMechanism} is not supported");
        if (!request.Auth.IsEmpty)
            return Close(0, ErrorCode.MalformedFrame, "auth data must be empty with authentication mechanism 0");

        _clientName = System.Text.Encoding.UTF8.GetString(request.ClientName);
        Volatile.Write(ref _handshakeDone, true);
        Enqueue(new Outbound(OutboundKind.Handshake, Opcode.Handshake, header.RequestId));
        return true;
    }

    private void Enqueue(in Outbound item) => Enqueue(item, answersRequest: true);

    // Every queued item goes through here: the send loop releases each item's cost from the output budget, so one
    // queued any other way would drive the budget below what is really held. Push deliveries and the error that
    // ends a push subscription are extra frames, not answers to a request. False once the connection has closed.
    private bool Enqueue(in Outbound item, bool answersRequest)
    {
        int cost = item.Cost;
        _output.Add(cost);
        if (!_responses.Writer.TryWrite(item))
        {
            _output.Release(cost);
            return false;
        }
        if (answersRequest) Interlocked.Increment(ref _answered);
        if (Volatile.Read(ref _draining) != 0) SignalIfDrained();
        return true;
    }

    private void FailPush(uint pushId, ErrorCode code, string message)
        => Enqueue(new Outbound(OutboundKind.Error, Opcode.Error, pushId, Data: message, Code: code), answersRequest: false);

    private void Fail(uint requestId, ErrorCode code, string message)
        => Enqueue(new Outbound(OutboundKind.Error, Opcode.Error, requestId, Data: message, Code: code));

    private bool Close(uint requestId, ErrorCode code, string message)
    {
        SessionLog.ClosingConnection(_logger, ConnectionId, code, message);
        Fail(requestId, code, message);
        Enqueue(new Outbound(OutboundKind.Close, Opcode.Error, 0), answersRequest: false);
        return false;
    }

    /// <summary>Small bodies spanning pipe segments are copied into a reused scratch buffer; most are contiguous.</summary>
    private ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> body)
    {
        if (body.IsSingleSegment) return body.FirstSpan;
        int length = (int)body.Length;
        if (_scratch.Length < length)
        {
            if (_scratch.Length > 0) ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = ArrayPool<byte>.Shared.Rent(length);
        }
        body.CopyTo(_scratch);
        return _scratch.AsSpan(0, length);
    }

    /// <summary>Waits while this connection has more unacknowledged publish bytes than allowed.</summary>
    public ValueTask WaitForInFlightRoomAsync(CancellationToken closed)
    {
        if (Volatile.Read(ref _inFlightBytes) <= _broker.Limits.MaxInFlightBytesPerConnection)
            return ValueTask.CompletedTask;
        return WaitSlowAsync();

        async ValueTask WaitSlowAsync()
        {
            while (true)
            {
                Interlocked.Exchange(ref _readerWaitingForRoom, 1);
                if (Volatile.Read(ref _inFlightBytes) <= _broker.Limits.MaxInFlightBytesPerConnection)
                {
                    Interlocked.Exchange(ref _readerWaitingForRoom, 0);
                    return;
                }
                await _inFlightRoom.WaitAsync(closed).ConfigureAwait(false);
            }
        }
    }

    private void ReleaseInFlight(int bytes)
    {
        long now = Interlocked.Add(ref _inFlightBytes, -bytes);
        if (now <= _broker.Limits.MaxInFlightBytesPerConnection && Interlocked.Exchange(ref _readerWaitingForRoom, 0) == 1)
            _inFlightRoom.Release();
    }

    /// <summary>No more frames will arrive: pending long polls stop waiting and the response stream ends.</summary>
    public void Complete()
    {
        _closing.Cancel();
        _responses.Writer.TryComplete();
        StopPushes();
        ReleaseDeliveries();
        ReleaseOwnedTopics();
    }

    public void Dispose()
    {
        // _inFlightRoom stays undisposed: partition loops may still complete this session's publishes and release
        // it, and a SemaphoreSlim whose wait handle was never used holds nothing to free.
        _closing.Dispose();
        if (_scratch.Length > 0) ArrayPool<byte>.Shared.Return(_scratch);
        _scratch = [];
    }
}
