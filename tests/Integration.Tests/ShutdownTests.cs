using System.Diagnostics;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;
using Xunit.Abstractions;

namespace FastBroker.IntegrationTests;

/// <summary>
/// SIGTERM with work in flight: every request sent before gets exactly one answer (publishes acknowledged only
/// after their fsync, anything not executed ShuttingDown), waiting long polls get ShuttingDown, then the
/// connection closes; every acknowledged publish is there after a restart.
/// </summary>
public sealed class ShutdownTests(ITestOutputHelper log)
{
    private const int Publishes = 2000;
    private const int RecordsPerBatch = 10;

    [Fact]
    public async Task Sigterm_answers_every_request_read_and_long_polls_get_ShuttingDown()
    {
        string data = TempDirectories.Create("shutdown");
        try
        {
            var acknowledged = new List<long>();
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                await using var client = await RawClient.ConnectAsync(broker.Endpoint);
                Assert.Equal(ErrorCode.None, (await client.RequestAsync((w, id) => FrameWriter.WriteCreateTopic(w, id, "events"u8, 1))).ErrorCode);
                Assert.Equal(ErrorCode.None, (await client.RequestAsync((w, id) => FrameWriter.WriteCreateTopic(w, id, "idle"u8, 1))).ErrorCode);
                Assert.Equal(ErrorCode.None, (await client.RequestAsync((w, id) => FrameWriter.WriteCreateSubscription(
                    w, id, "idle"u8, "work"u8, 30_000, 5, default, 1000, AckMode.Explicit))).ErrorCode);

                uint fetchId = await client.SendFrameAsync((w, id) => FrameWriter.WriteFetch(w, id, "idle"u8, 0, 0, 1 << 20, 30_000));
                uint receiveId = await client.SendFrameAsync((w, id) => FrameWriter.WriteReceive(w, id, "idle"u8, "work"u8, 10, 0, 20_000, 0));
                uint pushId = await client.SendFrameAsync((w, id) => FrameWriter.WriteSubscribe(w, id, "idle"u8, "work"u8, 100, 0));
                // Frames are handled in order: once the ping is answered both long polls are waiting.
                var subscribed = await client.ReadFrameAsync();
                Assert.Equal((pushId, Opcode.Subscribe), (subscribed!.Header.RequestId, subscribed.Header.Opcode));
                var pong = await client.RequestAsync((w, id) => FrameWriter.WritePing(w, id, "ready"u8));
                Assert.Equal(Opcode.Ping, pong.Header.Opcode);

                var batch = TestBatches.Numbered(RecordsPerBatch, 100);
                var publishIds = new HashSet<uint>();
                var frames = new System.Buffers.ArrayBufferWriter<byte>();
                for (int i = 0; i < Publishes; i++)
                {
                    uint id = client.NextRequestId();
                    publishIds.Add(id);
                    FrameWriter.WritePublish(frames, id, "events"u8, 0, batch);
                }
                await client.SendAsync(frames.WrittenMemory);
                var stopping = broker.StopAsync();

                var answers = new Dictionary<uint, List<RawFrame>>();
                var watch = Stopwatch.StartNew();
                while (watch.Elapsed < TimeSpan.FromSeconds(60))
                {
                    var frame = await client.ReadFrameAsync(TimeSpan.FromSeconds(30));
                    if (frame is null) break;
                    if (!answers.TryGetValue(frame.Header.RequestId, out var list)) answers[frame.Header.RequestId] = list = [];
                    list.Add(frame);
                }
                Assert.Equal(0, await stopping);

                Assert.Equal(ErrorCode.ShuttingDown, Assert.Single(answers[fetchId]).ErrorCode);
                Assert.Equal(ErrorCode.ShuttingDown, Assert.Single(answers[receiveId]).ErrorCode);
                // The live push subscription ends with an Error on its push id.
                Assert.Equal(ErrorCode.ShuttingDown, Assert.Single(answers[pushId]).ErrorCode);
                int shuttingDown = 0;
                foreach (uint id in publishIds)
                {
                    Assert.True(answers.TryGetValue(id, out var list), $"publish {id} got no answer");
                    var answer = Assert.Single(list);
                    if (answer.Header.Opcode == Opcode.Publish)
                    {
                        Assert.True(OffsetResponse.TryParse(answer.Body, out long baseOffset));
                        acknowledged.Add(baseOffset);
                    }
                    else
                    {
                        Assert.Equal(ErrorCode.ShuttingDown, answer.ErrorCode);
                        shuttingDown++;
                    }
                }
                Assert.DoesNotContain(0u, answers.Keys);
                log.WriteLine($"{acknowledged.Count} publishes acknowledged, {shuttingDown} answered ShuttingDown, long polls answered ShuttingDown");
            }

            await using (var restarted = await BrokerProcess.StartAsync(data))
            {
                await using var client = await RawClient.ConnectAsync(restarted.Endpoint);
                var metadata = await client.RequestAsync((w, id) => FrameWriter.WriteTopicRequest(w, Opcode.TopicMetadata, id, "events"u8));
                Assert.True(TopicMetadataResponseReader.TryCreate(metadata.Body, out var reader));
                Assert.True(reader.TryReadNext(out _, out long end));
                foreach (long baseOffset in acknowledged)
                    Assert.True(baseOffset + RecordsPerBatch <= end, $"acknowledged batch at {baseOffset} is missing after restart (end {end})");
                Assert.True(end >= (long)acknowledged.Count * RecordsPerBatch);
            }
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }

    [Fact]
    public async Task Sigterm_does_not_hang_on_a_client_that_never_reads()
    {
        await using var broker = await BrokerProcess.StartAsync(extraArgs: ["--max-output-bytes", "64KiB"]);
        await using var flooder = await Flooder.ConnectAsync(broker.Endpoint);
        var payload = new byte[1024];
        flooder.Start(chunks: 100, requestsPerChunk: 1000, (w, id) => FrameWriter.WritePing(w, id, payload));
        Assert.True(await flooder.StalledOrDoneAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60)));

        // StopAsync kills the broker after 30 s; a clean exit 0 means the bounded shutdown wait did its job.
        var watch = Stopwatch.StartNew();
        Assert.Equal(0, await broker.StopAsync());
        log.WriteLine($"stopped in {watch.Elapsed.TotalSeconds:0.0} s with a client that never reads");
    }
}
