using System.Net;
using System.Net.Sockets;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests;

public sealed class BrokerConnectionTests
{
    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Connect_completes_the_handshake_and_learns_the_broker_limits()
    {
        await using var broker = new FakeBroker();
        broker.Store.MaxMessageBytes = 4321;

        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        Assert.True(connection.IsConnected);
        Assert.Equal("fake-broker", connection.ServerName);
        Assert.Equal(4321, connection.MaxMessageBytes);
        Assert.Equal(Protocol.DefaultMaxFrameBytes, connection.MaxFrameBytes);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Connect_fails_with_the_brokers_code_when_the_handshake_is_rejected()
    {
        await using var broker = new FakeBroker { RejectHandshake = ErrorCode.UnsupportedVersion };

        var error = await Assert.ThrowsAsync<BrokerException>(() => BrokerConnection.ConnectAsync(broker.Endpoint).AsTask());

        Assert.Equal(ErrorCode.UnsupportedVersion, error.Code);
        Assert.Contains("rejected", error.Message);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Connect_to_a_closed_port_fails_with_BrokerConnectionException()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        await Assert.ThrowsAsync<BrokerConnectionException>(() => BrokerConnection.ConnectAsync($"127.0.0.1:{port}").AsTask());
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Pipelined_requests_each_get_their_own_response_when_answered_out_of_order()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 4);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        for (int p = 0; p < 4; p++)
            await connection.CommitPositionAsync("g", "t", p, 100 + p);

        var gates = new TaskCompletionSource[4];
        for (int p = 0; p < 4; p++)
            gates[p] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        broker.Intercept = r => r.Opcode == Opcode.ReadPosition ? new FakeReply(Gate: gates[r.Partition].Task) : null;

        var reads = new Task<long?>[4];
        for (int p = 0; p < 4; p++)
            reads[p] = connection.ReadPositionAsync("g", "t", p).AsTask();
        await Eventually.True(() => broker.Count(Opcode.ReadPosition) == 4, "all four requests reached the broker");

        // Release the answers last-first: each caller must still get the answer to its own request.
        for (int p = 3; p >= 0; p--)
        {
            gates[p].SetResult();
            Assert.Equal(100 + p, await reads[p]);
            for (int earlier = 0; earlier < p; earlier++)
                Assert.False(reads[earlier].IsCompleted, $"request {earlier} completed before its answer was released");
        }
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Many_threads_share_one_connection()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 8);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        var workers = new Task[8];
        for (int w = 0; w < workers.Length; w++)
        {
            int partition = w;
            workers[w] = Task.Run(async () =>
            {
                for (int i = 0; i < 50; i++)
                {
                    await connection.CommitPositionAsync("g", "t", partition, i);
                    Assert.Equal(i, await connection.ReadPositionAsync("g", "t", partition));
                }
            });
        }
        await Task.WhenAll(workers);

        Assert.Equal(8 * 100, broker.Requests.Count);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Admin_calls_create_list_describe_and_delete_topics()
    {
        await using var broker = new FakeBroker();
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        await connection.CreateTopicAsync("orders", 3);
        await connection.CreateTopicAsync("audit", 1);
        var topics = await connection.ListTopicsAsync();
        var metadata = await connection.GetTopicMetadataAsync("orders");
        await connection.DeleteTopicAsync("audit");
        var after = await connection.ListTopicsAsync();

        Assert.Equal([("audit", 1), ("orders", 3)], topics.OrderBy(t => t.Name).Select(t => (t.Name, t.Partitions)));
        Assert.Equal(2, topics.Select(t => t.TopicId).Where(id => id != Guid.Empty).Distinct().Count());
        Assert.Equal(3, metadata.PartitionCount);
        Assert.Equal(topics.Single(t => t.Name == "orders").TopicId, metadata.TopicId);
        Assert.All(metadata.Partitions, range => Assert.Equal(new PartitionRange(0, 0), range));
        Assert.Equal([new TopicInfo("orders", 3) { TopicId = metadata.TopicId }], after);
        Assert.True(await connection.PingAsync() >= TimeSpan.Zero);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Broker_errors_surface_as_BrokerException_and_leave_the_connection_usable()
    {
        await using var broker = new FakeBroker();
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await connection.CreateTopicAsync("orders", 1);

        var exists = await Assert.ThrowsAsync<BrokerException>(() => connection.CreateTopicAsync("orders", 1).AsTask());
        var unknown = await Assert.ThrowsAsync<BrokerException>(() => connection.GetTopicMetadataAsync("nope").AsTask());

        Assert.Equal(ErrorCode.TopicExists, exists.Code);
        Assert.Equal(ErrorCode.UnknownTopic, unknown.Code);
        Assert.Equal("unknown topic 'nope'", unknown.Message);
        Assert.True(connection.IsConnected);
        Assert.Single(await connection.ListTopicsAsync());
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Connection_loss_fails_every_pending_request_with_BrokerConnectionException()
    {
        await using var broker = new FakeBroker();
        var never = new TaskCompletionSource();
        broker.Intercept = r => r.Opcode == Opcode.Ping ? new FakeReply(Gate: never.Task) : null;
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        var pings = new Task[3];
        for (int i = 0; i < pings.Length; i++)
            pings[i] = connection.PingAsync().AsTask();
        await Eventually.True(() => broker.Count(Opcode.Ping) == 3, "the pings reached the broker");
        broker.DropConnections();

        foreach (var ping in pings)
            await Assert.ThrowsAsync<BrokerConnectionException>(() => ping);
        Assert.False(connection.IsConnected);
        await Assert.ThrowsAsync<BrokerConnectionException>(() => connection.ListTopicsAsync().AsTask());
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Request_without_an_answer_times_out_on_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        await using var broker = new FakeBroker();
        broker.Intercept = r => r.Opcode == Opcode.Ping ? new FakeReply(Gate: new TaskCompletionSource().Task) : null;
        var options = new BrokerConnectionOptions { TimeProvider = time, RequestTimeout = TimeSpan.FromSeconds(5) };
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint, options);

        var ping = connection.PingAsync().AsTask();
        await Eventually.True(() => broker.Count(Opcode.Ping) == 1, "the ping reached the broker");
        time.Advance(TimeSpan.FromSeconds(4));
        await Task.Delay(20);
        Assert.False(ping.IsCompleted, "timed out before the timeout");
        time.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAsync<TimeoutException>(() => ping);
        Assert.True(connection.IsConnected);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Canceling_a_request_fails_only_that_request()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        broker.Intercept = r => r.Opcode == Opcode.Ping ? new FakeReply(Gate: gate.Task) : null;
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        using var cancel = new CancellationTokenSource();

        var canceled = connection.PingAsync(cancel.Token).AsTask();
        var kept = connection.PingAsync().AsTask();
        await Eventually.True(() => broker.Count(Opcode.Ping) == 2, "both pings reached the broker");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled);
        gate.SetResult();
        await kept;
        Assert.Null(await connection.ReadPositionAsync("g", "t", 0));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Publish_and_fetch_round_trip_a_batch()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        long first = await connection.PublishAsync("t", 0, TestBatches.Of("a", "b"));
        long second = await connection.PublishAsync("t", 0, TestBatches.Of("c"));
        using var fetched = await connection.FetchAsync("t", 0, 1, 1024 * 1024, TimeSpan.Zero);

        Assert.Equal(0, first);
        Assert.Equal(2, second);
        Assert.Equal(3, fetched.LogEndOffset);
        Assert.Equal(TestBatches.Of("a", "b").Length + TestBatches.Of("c").Length, fetched.Batches.Length);
        var outOfRange = await Assert.ThrowsAsync<BrokerException>(() => connection.FetchAsync("t", 0, 9, 1024, TimeSpan.Zero).AsTask());
        Assert.Equal(ErrorCode.OffsetOutOfRange, outOfRange.Code);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task An_error_about_the_whole_connection_fails_every_request_with_the_brokers_reason()
    {
        await using var broker = new FakeBroker();
        var never = new TaskCompletionSource();
        broker.Intercept = r => r.Opcode switch
        {
            Opcode.Ping => new FakeReply(Gate: never.Task),
            Opcode.ListTopics => new FakeReply(ConnectionError: ErrorCode.ShuttingDown, Message: "going down"),
            _ => null,
        };
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        var ping = connection.PingAsync().AsTask();
        var list = connection.ListTopicsAsync().AsTask();

        var pingError = await Assert.ThrowsAsync<BrokerConnectionException>(() => ping);
        await Assert.ThrowsAsync<BrokerConnectionException>(() => list);
        var reason = Assert.IsType<BrokerException>(pingError.InnerException);
        Assert.Equal(ErrorCode.ShuttingDown, reason.Code);
        Assert.Equal("going down", reason.Message);
        Assert.False(connection.IsConnected);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_response_over_the_receive_cap_closes_the_connection()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        broker.Store.Append("t", 0, TestBatches.Of(new string('x', 4096)));
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint, new BrokerConnectionOptions { MaxReceiveFrameBytes = 1024 });

        var error = await Assert.ThrowsAsync<BrokerConnectionException>(() => connection.FetchAsync("t", 0, 0, 1024 * 1024, TimeSpan.Zero).AsTask());

        Assert.Contains("exceeds", error.Message);
        Assert.False(connection.IsConnected);
    }
}
