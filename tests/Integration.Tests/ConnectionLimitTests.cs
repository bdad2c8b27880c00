using System.Diagnostics;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using Xunit.Abstractions;

namespace FastBroker.IntegrationTests;

/// <summary>At the connection cap and at the process's descriptor limit the broker refuses clearly and promptly
/// (Error ConnectionLimit on request id 0, then close), and accepts again once connections go away.</summary>
public sealed class ConnectionLimitTests(ITestOutputHelper log)
{
    // DescriptorLimit.Headroom in the broker: descriptors it never gives to connections.
    private const int DescriptorHeadroom = 32;

    [Fact]
    public async Task Descriptor_exhaustion_refuses_promptly_and_accepting_resumes()
    {
        int baseline;
        await using (var probe = await BrokerProcess.StartAsync())
        {
            await using var client = await RawClient.ConnectAsync(probe.Endpoint);
            baseline = ProcessStats.OpenDescriptors(probe.ProcessId);
        }
        int limit = baseline + DescriptorHeadroom + 16;
        await using var broker = await BrokerProcess.StartWithFileLimitAsync(limit);
        var accepted = new List<RawClient>();
        try
        {
            var (refusal, refuseTime) = await ConnectUntilRefusedAsync(broker, accepted, attempts: 200);
            log.WriteLine($"ulimit -n {limit} (broker at rest holds {baseline}): {accepted.Count} connections accepted, the next refused in {refuseTime.TotalMilliseconds:0.0} ms: {refusal.ErrorMessage}");
            Assert.Equal(ErrorCode.ConnectionLimit, refusal.ErrorCode);
            Assert.Equal(0u, refusal.Header.RequestId);
            Assert.Contains("descriptors", refusal.ErrorMessage);

            // Still at the limit: the next client is refused just as clearly.
            var (again, second, _) = await TryHandshakeAsync(broker);
            await again.DisposeAsync();
            Assert.True(second?.ErrorCode == ErrorCode.ConnectionLimit, $"second refusal: {second?.Header}; broker output:\n{broker.Output}");

            foreach (var client in accepted) await client.DisposeAsync();
            accepted.Clear();
            await AssertEventuallyServesAsync(broker);
            Assert.True(await EventuallyAsync(() => broker.Output.Contains("open-file limit")), broker.Output);
        }
        finally
        {
            foreach (var client in accepted) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Accept_failing_with_too_many_open_files_is_logged_refused_through_the_reserve_and_survived()
    {
        // The connection cap counts descriptors held at start; partitions created later take descriptors it did not
        // count, so accept itself fails with EMFILE well before that cap: the case the reserve descriptor is for.
        const int limit = 300;
        const int fillerPartitions = 140;
        await using var broker = await BrokerProcess.StartWithFileLimitAsync(limit);
        await using (var admin = await FastBroker.ClientLite.BrokerConnection.ConnectAsync(broker.Address))
            await admin.CreateTopicAsync("filler", fillerPartitions);

        var accepted = new List<RawClient>();
        try
        {
            var (refusal, refuseTime) = await ConnectUntilRefusedAsync(broker, accepted, attempts: limit);
            log.WriteLine($"ulimit -n {limit}, {fillerPartitions} partitions: {accepted.Count} connections accepted, the next refused in {refuseTime.TotalMilliseconds:0.0} ms: {refusal.ErrorMessage}");
            Assert.Equal(ErrorCode.ConnectionLimit, refusal.ErrorCode);
            Assert.Equal(0u, refusal.Header.RequestId);
            // The reserve path's words, not the start-time cap's ("... for more connections (N open ...)").
            Assert.Equal("the broker is out of file descriptors; try again later", refusal.ErrorMessage);
            Assert.True(await EventuallyAsync(() => broker.Output.Contains("Accept failed")), broker.Output);

            foreach (var client in accepted) await client.DisposeAsync();
            accepted.Clear();
            await AssertEventuallyServesAsync(broker);
            Assert.False(broker.HasExited);
        }
        finally
        {
            foreach (var client in accepted) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Connection_cap_refuses_with_ConnectionLimit_then_accepts_when_a_slot_frees()
    {
        await using var broker = await BrokerProcess.StartAsync(extraArgs: ["--max-connections", "2"]);
        var first = await RawClient.ConnectAsync(broker.Endpoint);
        await using var second = await RawClient.ConnectAsync(broker.Endpoint);

        var (refused, frame, elapsed) = await TryHandshakeAsync(broker);
        await using (refused)
        {
            log.WriteLine($"refused at the cap in {elapsed.TotalMilliseconds:0.0} ms: {frame?.ErrorMessage}");
            Assert.Equal(ErrorCode.ConnectionLimit, frame?.ErrorCode);
            Assert.Equal(0u, frame!.Header.RequestId);
            Assert.Contains("2 connections", frame.ErrorMessage);
            Assert.True(await refused.ClosedByBrokerAsync());
        }

        await first.DisposeAsync();
        await AssertEventuallyServesAsync(broker);
    }

    [Fact]
    public async Task A_second_broker_on_a_port_in_use_exits_1_with_address_already_in_use()
    {
        await using var first = await BrokerProcess.StartAsync();
        string data = TempDirectories.Create("second");
        try
        {
            var psi = BrokerBinary.StartInfo(["serve", "--listen", first.Address, "--data", data]);
            psi.RedirectStandardOutput = true;
            psi.RedirectStandardError = true;
            using var second = Process.Start(psi)!;
            var stderr = second.StandardError.ReadToEndAsync();
            var stdout = second.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await second.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                second.Kill(entireProcessTree: true);
                Assert.Fail($"the second broker kept running on {first.Address}: {await stdout}");
            }
            Assert.Equal(1, second.ExitCode);
            Assert.Contains("address already in use", await stderr, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            TempDirectories.Delete(data);
        }
        await using var client = await RawClient.ConnectAsync(first.Endpoint);
        Assert.Equal(Opcode.Ping, (await client.RequestAsync((w, id) => FrameWriter.WritePing(w, id, "one"u8))).Header.Opcode);
    }

    // Opens connections (kept in accepted) until one is refused; the refusal must come as a frame, never a bare close.
    private static async Task<(RawFrame Refusal, TimeSpan Elapsed)> ConnectUntilRefusedAsync(BrokerProcess broker, List<RawClient> accepted, int attempts)
    {
        for (int i = 0; i < attempts; i++)
        {
            var (client, frame, elapsed) = await TryHandshakeAsync(broker);
            if (frame?.Header.Opcode == Opcode.Handshake)
            {
                accepted.Add(client);
                continue;
            }
            await client.DisposeAsync();
            Assert.True(frame is not null, $"connection {i} closed without a frame; broker output:\n{broker.Output}");
            return (frame, elapsed);
        }
        throw new Xunit.Sdk.XunitException($"{attempts} connections and none refused; broker output:\n{broker.Output}");
    }

    private static async Task<(RawClient Client, RawFrame? Frame, TimeSpan Elapsed)> TryHandshakeAsync(BrokerProcess broker)
    {
        var watch = Stopwatch.StartNew();
        var client = await RawClient.ConnectAsync(broker.Endpoint, handshake: false);
        await client.SendFrameAsync((w, id) => FrameWriter.WriteHandshake(w, id, "limit-test"u8));
        var frame = await client.ReadFrameAsync(TimeSpan.FromSeconds(10));
        return (client, frame, watch.Elapsed);
    }

    // The broker learns of closed connections asynchronously; retry a bounded number of times.
    private static async Task AssertEventuallyServesAsync(BrokerProcess broker)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var (client, frame, _) = await TryHandshakeAsync(broker);
            await using (client)
            {
                if (frame?.Header.Opcode == Opcode.Handshake)
                {
                    var pong = await client.RequestAsync((w, id) => FrameWriter.WritePing(w, id, "back"u8));
                    Assert.Equal(Opcode.Ping, pong.Header.Opcode);
                    return;
                }
                Assert.True(frame?.ErrorCode == ErrorCode.ConnectionLimit, $"attempt {attempt}: {frame?.Header}; broker output:\n{broker.Output}");
            }
            await Task.Delay(100);
        }
        Assert.Fail("the broker did not accept a new connection after the others closed");
    }

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            if (condition()) return true;
            await Task.Delay(100);
        }
        return condition();
    }
}
