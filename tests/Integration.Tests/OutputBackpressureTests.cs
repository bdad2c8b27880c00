using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using Xunit.Abstractions;

namespace FastBroker.IntegrationTests;

/// <summary>
/// A client that pipelines requests and never reads: the broker stops reading it once its unsent responses pass
/// --max-output-bytes, keeps serving everyone else, and stops all work for it the moment it closes.
/// Without the budget, 200,000 one-KiB pings held ~300 MiB and pipelined 1 MiB fetches grew without end.
/// </summary>
public sealed class OutputBackpressureTests(ITestOutputHelper log)
{
    private const long MiB = 1024 * 1024;

    // Generous: the unbounded broker passed 300 MiB under either flood; bounded it stays within a few tens.
    private const long AllowedGrowth = 128 * MiB;

    [Fact]
    public async Task Unread_pings_stop_being_read_and_memory_stays_bounded()
    {
        await using var broker = await BrokerProcess.StartAsync(extraArgs: ["--max-output-bytes", "1MiB"]);
        int pid = broker.ProcessId;
        long before = ProcessStats.ResidentBytes(pid);
        var payload = new byte[1024];

        await using (var flooder = await Flooder.ConnectAsync(broker.Endpoint))
        {
            flooder.Start(chunks: 200, requestsPerChunk: 1000, (w, id) => FrameWriter.WritePing(w, id, payload));
            Assert.True(await flooder.StalledOrDoneAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60)));
            Assert.False(flooder.Sending.IsCompleted, "the broker should have stopped reading long before 200,000 pings");

            await AssertServesAsync(broker);
            long peak = ProcessStats.PeakResidentBytes(pid);
            log.WriteLine($"RSS before {before / MiB} MiB, peak under the flood {peak / MiB} MiB, flooder got {flooder.BytesSent / MiB} MiB in");
            Assert.True(peak - before < AllowedGrowth, $"RSS grew from {before / MiB} MiB to {peak / MiB} MiB");
        }

        await AssertServesAsync(broker);
    }

    [Fact]
    public async Task Unread_fetches_stay_bounded_and_stop_when_the_client_closes()
    {
        await using var broker = await BrokerProcess.StartAsync(extraArgs: ["--max-output-bytes", "1MiB"]);
        int pid = broker.ProcessId;
        await using (var admin = await RawClient.ConnectAsync(broker.Endpoint))
        {
            Assert.Equal(ErrorCode.None, (await admin.RequestAsync((w, id) => FrameWriter.WriteCreateTopic(w, id, "big"u8, 1))).ErrorCode);
            var batch = TestBatches.Numbered(4, 128 * 1024);
            for (int i = 0; i < 3; i++)
                Assert.Equal(ErrorCode.None, (await admin.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, "big"u8, 0, batch))).ErrorCode);
        }
        long before = ProcessStats.ResidentBytes(pid);

        await using (var flooder = await Flooder.ConnectAsync(broker.Endpoint))
        {
            // 20,000 fetches of 1 MiB each: 20 GiB of responses if the broker buffered them.
            flooder.Start(chunks: 20, requestsPerChunk: 1000, (w, id) => FrameWriter.WriteFetch(w, id, "big"u8, 0, 0, 1 << 20, 0));
            Assert.True(await flooder.StalledOrDoneAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60)));
            await AssertServesAsync(broker);
            long peak = ProcessStats.PeakResidentBytes(pid);
            log.WriteLine($"RSS before {before / MiB} MiB, peak under the flood {peak / MiB} MiB");
            Assert.True(peak - before < AllowedGrowth, $"RSS grew from {before / MiB} MiB to {peak / MiB} MiB");
        }

        // Closed: the fetches it left behind must not be read and encoded for a dead socket.
        await AssertServesAsync(broker);
        var cpu = ProcessStats.CpuTime(pid);
        long rss = ProcessStats.ResidentBytes(pid);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var busy = ProcessStats.CpuTime(pid) - cpu;
        long after = ProcessStats.ResidentBytes(pid);
        log.WriteLine($"after close: CPU {busy.TotalMilliseconds:0} ms in 2 s, RSS {rss / MiB} -> {after / MiB} MiB");
        Assert.True(busy < TimeSpan.FromSeconds(1), $"the broker used {busy.TotalMilliseconds:0} ms of CPU in 2 s after the client left");
        Assert.True(after - before < AllowedGrowth, $"RSS {after / MiB} MiB after the client left");
    }

    private static async Task AssertServesAsync(BrokerProcess broker)
    {
        await using var client = await RawClient.ConnectAsync(broker.Endpoint);
        var pong = await client.RequestAsync((w, id) => FrameWriter.WritePing(w, id, "still here"u8));
        Assert.Equal(Opcode.Ping, pong.Header.Opcode);
        Assert.False(broker.HasExited);
    }
}
