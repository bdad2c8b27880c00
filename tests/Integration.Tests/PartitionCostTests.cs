using System.Text;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.IntegrationTests;

/// <summary>What a partition costs in descriptors (docs/OPERATIONS.md, "Cost per topic and partition"): one, its
/// active segment file, whether it is idle or written to.</summary>
public sealed class PartitionCostTests : IAsyncLifetime
{
    private const int Topics = 200;
    private const int DescriptorsPerPartition = 1;
    // The data directory's own files (.lock, positions.log) and whatever the runtime opens lazily meanwhile.
    private const int Slack = 8;

    private BrokerProcess _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerProcess.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Each_one_partition_topic_holds_one_descriptor_idle_or_written()
    {
        int pid = BrokerPid();
        await using var admin = await RawClient.ConnectAsync(_broker.Endpoint);
        int before = Descriptors(pid).Count;

        for (int i = 0; i < Topics; i++)
        {
            var created = await admin.RequestAsync((w, id) => FrameWriter.WriteCreateTopic(w, id, Name(i), 1));
            Assert.True(created.ErrorCode == ErrorCode.None, created.ErrorMessage);
        }
        var idle = Descriptors(pid);
        Assert.InRange(idle.Count - before, Topics, Topics * DescriptorsPerPartition + Slack);
        Assert.DoesNotContain(idle, target => target.EndsWith("/checkpoint", StringComparison.Ordinal));

        // Written partitions checkpoint, then let the file go again.
        byte[] batch = TestBatches.Numbered(3, 16);
        for (int i = 0; i < Topics; i += 10)
        {
            var published = await admin.RequestAsync((w, id) => FrameWriter.WritePublish(w, id, Name(i), 0, batch));
            Assert.True(published.ErrorCode == ErrorCode.None, published.ErrorMessage);
        }
        var written = Descriptors(pid);
        Assert.InRange(written.Count - before, Topics, Topics * DescriptorsPerPartition + Slack);
        Assert.DoesNotContain(written, target => target.EndsWith("/checkpoint", StringComparison.Ordinal));
    }

    private static byte[] Name(int i) => Encoding.ASCII.GetBytes($"cost-{i:D4}");

    // The broker is the process whose command line names this test's own data directory.
    private int BrokerPid()
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            if (cmdline.Contains(_broker.DataDirectory, StringComparison.Ordinal) && cmdline.Contains("serve", StringComparison.Ordinal)) return pid;
        }
        throw new InvalidOperationException($"no process serves {_broker.DataDirectory}");
    }

    // Targets of the open descriptors (the broker runs on Linux only); one may close between listing and reading.
    private static List<string> Descriptors(int pid)
    {
        var targets = new List<string>();
        foreach (string fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            try
            {
                targets.Add(new FileInfo(fd).LinkTarget ?? "");
            }
            catch (IOException)
            {
                continue;
            }
        }
        return targets;
    }
}
