using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Tests.Cli;

/// <summary>
/// A minimal in-memory broker on 127.0.0.1:0 for driving the CLI commands end to end in-process: topics,
/// publish, fetch (an empty fetch answers after a short wait instead of a full long poll) and group positions.
/// </summary>
internal sealed class CliTestBroker : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Task _acceptLoop;
    private readonly Lock _lock = new();
    private readonly List<Socket> _sockets = [];
    private readonly Dictionary<string, List<byte[]>[]> _topics = [];
    private readonly Dictionary<string, long> _positions = [];

    public CliTestBroker()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(8);
        Endpoint = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public string Endpoint { get; }

    /// <summary>The values stored in a partition, in offset order.</summary>
    public List<string> Values(string topic, int partition)
    {
        var values = new List<string>();
        lock (_lock)
        {
            foreach (var batch in _topics[topic][partition])
            {
                var reader = new RecordBatchReader(batch);
                while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
                    values.Add(Encoding.UTF8.GetString(record.Value));
            }
        }
        return values;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        lock (_lock)
        {
            foreach (var socket in _sockets)
                socket.Dispose();
        }
        await _acceptLoop;
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                return;
            }
            lock (_lock)
                _sockets.Add(socket);
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var writeLock = new Lock();
        void Send(byte[] frame)
        {
            lock (writeLock)
            {
                try
                {
                    socket.Send(frame);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // The client is gone; its answer has nowhere to go.
                }
            }
        }

        var reader = PipeReader.Create(new NetworkStream(socket, ownsSocket: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                while (FrameParser.TryReadFrame(ref buffer, Protocol.DefaultMaxFrameBytes, out var header, out var body) == FrameStatus.Complete)
                {
                    var answer = Answer(header, body.ToArray());
                    if (answer.IsCompleted)
                        Send(answer.Result);
                    else
                        _ = answer.ContinueWith(t => Send(t.Result), TaskScheduler.Default);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                    break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The client went away.
        }
        await reader.CompleteAsync();
    }

    private Task<byte[]> Answer(FrameHeader header, byte[] body)
    {
        uint id = header.RequestId;
        lock (_lock)
        {
            switch (header.Opcode)
            {
                case Opcode.Handshake:
                    return Done(w => FrameWriter.WriteHandshakeResponse(w, id, Protocol.DefaultMaxFrameBytes, Protocol.DefaultMaxMessageBytes, "cli-test"u8));
                case Opcode.CreateTopic when CreateTopicRequest.TryParse(body, out var create):
                {
                    string name = Encoding.UTF8.GetString(create.Topic);
                    if (_topics.ContainsKey(name))
                        return Done(w => FrameWriter.WriteError(w, id, ErrorCode.TopicExists, $"topic '{name}' exists"));
                    var partitions = new List<byte[]>[create.Partitions];
                    for (int i = 0; i < partitions.Length; i++)
                        partitions[i] = [];
                    _topics[name] = partitions;
                    return Done(w => FrameWriter.WriteEmpty(w, Opcode.CreateTopic, FrameFlags.Response, id));
                }
                case Opcode.DeleteTopic when TopicRequest.TryParse(body, out var delete):
                    return _topics.Remove(Encoding.UTF8.GetString(delete.Topic))
                        ? Done(w => FrameWriter.WriteEmpty(w, Opcode.DeleteTopic, FrameFlags.Response, id))
                        : Unknown(id, delete.Topic);
                case Opcode.ListTopics:
                {
                    var list = new List<(string, int)>();
                    foreach (var (name, partitions) in _topics)
                        list.Add((name, partitions.Length));
                    return Done(w => FrameWriter.WriteListTopicsResponse(w, id, list));
                }
                case Opcode.TopicMetadata when TopicRequest.TryParse(body, out var named):
                {
                    if (!_topics.TryGetValue(Encoding.UTF8.GetString(named.Topic), out var partitions))
                        return Unknown(id, named.Topic);
                    var ranges = new (long, long)[partitions.Length];
                    for (int i = 0; i < ranges.Length; i++)
                        ranges[i] = (0, End(partitions[i]));
                    return Done(w => FrameWriter.WriteTopicMetadataResponse(w, id, ranges));
                }
                case Opcode.Publish when PublishRequest.TryParse(body, out var publish):
                {
                    if (!_topics.TryGetValue(Encoding.UTF8.GetString(publish.Topic), out var partitions))
                        return Unknown(id, publish.Topic);
                    var log = partitions[publish.Partition];
                    long baseOffset = End(log);
                    var stored = publish.Batch.ToArray();
                    RecordBatch.SetBaseOffset(stored, baseOffset);
                    log.Add(stored);
                    return Done(w => FrameWriter.WritePublishResponse(w, id, baseOffset));
                }
                case Opcode.Fetch when FetchRequest.TryParse(body, out var fetch):
                {
                    if (!_topics.TryGetValue(Encoding.UTF8.GetString(fetch.Topic), out var partitions))
                        return Unknown(id, fetch.Topic);
                    var log = partitions[fetch.Partition];
                    long end = End(log);
                    long from = fetch.Offset;
                    var chosen = log.FindAll(b => RecordBatch.ReadBaseOffset(b) + RecordBatch.ReadRecordCount(b) > from);
                    var frame = Build(w =>
                    {
                        int total = 0;
                        foreach (var batch in chosen)
                            total += batch.Length;
                        FrameWriter.WriteFetchResponsePrefix(w, id, 0, end, total);
                        foreach (var batch in chosen)
                            w.Write(batch);
                    });
                    return chosen.Count > 0 ? Task.FromResult(frame) : Later(frame, Math.Min(fetch.MaxWaitMs, 50));
                }
                case Opcode.CommitPosition when PositionRequest.TryParse(body, true, out var commit):
                    _positions[Key(commit)] = commit.Offset;
                    return Done(w => FrameWriter.WriteEmpty(w, Opcode.CommitPosition, FrameFlags.Response, id));
                case Opcode.ReadPosition when PositionRequest.TryParse(body, false, out var read):
                {
                    long position = _positions.TryGetValue(Key(read), out long p) ? p : Protocol.NoPosition;
                    return Done(w => FrameWriter.WriteReadPositionResponse(w, id, position));
                }
                default:
                    return Done(w => FrameWriter.WriteError(w, id, ErrorCode.UnknownOpcode, "not supported here"));
            }
        }
    }

    private static async Task<byte[]> Later(byte[] frame, uint delayMs)
    {
        await Task.Delay((int)delayMs);
        return frame;
    }

    private static string Key(PositionRequest request)
        => $"{Encoding.UTF8.GetString(request.Group)}/{Encoding.UTF8.GetString(request.Topic)}/{request.Partition}";

    private static long End(List<byte[]> log)
        => log.Count == 0 ? 0 : RecordBatch.ReadBaseOffset(log[^1]) + RecordBatch.ReadRecordCount(log[^1]);

    private static Task<byte[]> Unknown(uint id, ReadOnlySpan<byte> topic)
    {
        string name = Encoding.UTF8.GetString(topic);
        return Done(w => FrameWriter.WriteError(w, id, ErrorCode.UnknownTopic, $"unknown topic '{name}'"));
    }

    private static Task<byte[]> Done(Action<ArrayBufferWriter<byte>> write) => Task.FromResult(Build(write));

    private static byte[] Build(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
