using System.Globalization;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Tests.Peers;

/// <summary>
/// One peer broker started through load/peers/start.sh for a test class, on free loopback ports and with a state dir
/// of its own, and stopped through stop.sh afterwards. A start that fails (say the Debian package is missing and
/// cannot be installed) is recorded, not thrown, so each test fails with the script's own explanation.
/// </summary>
public abstract class PeerServer : IAsyncLifetime
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"fastbroker-peers-test-{Guid.NewGuid():N}");
    private readonly List<int> _pids = [];

    protected PeerServer(string name)
    {
        Name = name;
        string[] ports = Array.ConvertAll(FreePort.Take(5), p => p.ToString(CultureInfo.InvariantCulture));
        Environment = new Dictionary<string, string>
        {
            ["FASTBROKER_PEERS_DIR"] = _stateDir,
            ["FASTBROKER_REDIS_PORT"] = ports[0],
            ["FASTBROKER_NATS_PORT"] = ports[1],
            ["FASTBROKER_RABBITMQ_PORT"] = ports[2],
            ["FASTBROKER_RABBITMQ_DIST_PORT"] = ports[3],
            ["FASTBROKER_EPMD_PORT"] = ports[4],
            ["FASTBROKER_RABBITMQ_NODE"] = $"fbtest{System.Environment.ProcessId}@localhost",
            ["FASTBROKER_PEERS_TIMEOUT"] = "60",
        };
        Endpoints = new TargetEndpoints
        {
            Redis = $"127.0.0.1:{Environment["FASTBROKER_REDIS_PORT"]}",
            Nats = $"nats://127.0.0.1:{Environment["FASTBROKER_NATS_PORT"]}",
            RabbitMq = $"amqp://guest:guest@127.0.0.1:{Environment["FASTBROKER_RABBITMQ_PORT"]}/",
        };
    }

    /// <summary>The peer's name for the scripts and <see cref="PeerTargets.Create"/>.</summary>
    public string Name { get; }

    /// <summary>Variables handed to the scripts: state dir, ports, node name.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public TargetEndpoints Endpoints { get; }

    public ScriptResult? StartResult { get; private set; }

    /// <summary>Ports this server must listen on (and only on loopback).</summary>
    public abstract IReadOnlyList<int> Ports { get; }

    protected int PortOf(string variable) => int.Parse(Environment[variable], CultureInfo.InvariantCulture);

    /// <summary>Fails the calling test with start.sh's output unless the server came up.</summary>
    public void AssertStarted()
    {
        Assert.NotNull(StartResult);
        Assert.True(StartResult.ExitCode == 0, $"load/peers/start.sh {Name} failed, so this test cannot run: {StartResult}");
    }

    public async Task InitializeAsync()
    {
        // The class's tests are skipped then (PeerFactAttribute): no server to start.
        if (!PeerFactAttribute.Enabled) return;
        StartResult = await PeerScripts.StartAsync(Environment, Name);
        foreach (string key in new[] { Name, Name + "-epmd" })
        {
            string file = Path.Combine(_stateDir, key + ".pid");
            if (File.Exists(file))
                _pids.Add(int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture));
        }
    }

    public async Task DisposeAsync()
    {
        if (StartResult is null) return;
        var stop = await PeerScripts.StopAsync(Environment, Name);
        bool stateLeft = Directory.Exists(_stateDir) && Directory.EnumerateFileSystemEntries(_stateDir).Any();
        if (Directory.Exists(_stateDir))
            Directory.Delete(_stateDir, recursive: true);
        // A cleanup failure is reported against the test class: stop.sh must not leave servers behind.
        if (stop.ExitCode != 0 || stateLeft)
            throw new InvalidOperationException($"load/peers/stop.sh {Name} did not clean up: {stop}");
        foreach (int pid in _pids)
        {
            if (Processes.IsRunning(pid))
                throw new InvalidOperationException($"load/peers/stop.sh {Name} left process {pid} running");
        }
    }
}
