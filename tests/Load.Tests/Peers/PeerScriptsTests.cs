using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FastBroker.Load.Tests.Peers;

/// <summary>start.sh and stop.sh themselves, with Redis as the quickest server to start.</summary>
[Trait("Category", "Peers")]
public sealed class PeerScriptsTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"fastbroker-peers-test-{Guid.NewGuid():N}");
    private readonly int _port = FreePort.Take(1)[0];
    private readonly Dictionary<string, string> _environment;

    public PeerScriptsTests()
    {
        _environment = new Dictionary<string, string>
        {
            ["FASTBROKER_PEERS_DIR"] = _stateDir,
            ["FASTBROKER_REDIS_PORT"] = _port.ToString(CultureInfo.InvariantCulture),
            ["FASTBROKER_PEERS_TIMEOUT"] = "30",
        };
    }

    [PeerFact]
    public async Task Stop_ends_exactly_the_started_server_and_removes_its_data_and_state()
    {
        var started = await PeerScripts.StartAsync(_environment, "redis");
        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.Contains("appendfsync always", started.Output, StringComparison.Ordinal);
        int pid = int.Parse(File.ReadAllText(Path.Combine(_stateDir, "redis.pid")).Trim(), CultureInfo.InvariantCulture);
        string data = File.ReadAllText(Path.Combine(_stateDir, "redis.data")).Trim();
        Assert.True(Processes.IsRunning(pid));
        Assert.True(Directory.Exists(data));
        Assert.All(ListeningSockets.On(_port), address => Assert.Equal(IPAddress.Loopback, address));

        var again = await PeerScripts.StartAsync(_environment, "redis");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already running", again.Output, StringComparison.Ordinal);

        var stopped = await PeerScripts.StopAsync(_environment, "redis");
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.False(Processes.IsRunning(pid), $"redis-server {pid} survived stop.sh");
        Assert.False(Directory.Exists(data), $"{data} survived stop.sh");
        Assert.False(Directory.Exists(_stateDir), $"{_stateDir} survived stop.sh");
        Assert.Empty(ListeningSockets.On(_port));

        var stoppedAgain = await PeerScripts.StopAsync(_environment, "redis");
        Assert.True(stoppedAgain.ExitCode == 0, stoppedAgain.ToString());
        Assert.Contains("not running", stoppedAgain.Output, StringComparison.Ordinal);
    }

    [PeerFact]
    public async Task Start_refuses_a_port_someone_else_listens_on_and_leaves_nothing_behind()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, _port);
        squatter.Start();

        var started = await PeerScripts.StartAsync(_environment, "redis");

        Assert.NotEqual(0, started.ExitCode);
        Assert.Contains("already in use", started.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_stateDir, "redis.pid")));
    }

    [PeerFact]
    public async Task Scripts_reject_an_unknown_peer_name()
    {
        var started = await PeerScripts.StartAsync(_environment, "kafka");
        var stopped = await PeerScripts.StopAsync(_environment, "kafka");

        Assert.Equal(2, started.ExitCode);
        Assert.Contains("unknown peer 'kafka'", started.Output, StringComparison.Ordinal);
        Assert.Equal(2, stopped.ExitCode);
    }

    public void Dispose()
    {
        // Only reached with a server still up when an assertion failed midway; stop.sh is the way to end it.
        if (File.Exists(Path.Combine(_stateDir, "redis.pid")))
            PeerScripts.StopAsync(_environment, "redis").GetAwaiter().GetResult();
        if (Directory.Exists(_stateDir))
            Directory.Delete(_stateDir, recursive: true);
    }
}
