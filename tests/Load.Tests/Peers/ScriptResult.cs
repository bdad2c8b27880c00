namespace FastBroker.Load.Tests.Peers;

/// <summary>Exit code and combined output of one run of start.sh or stop.sh.</summary>
public sealed record ScriptResult(int ExitCode, string Output)
{
    public override string ToString() => $"exit code {ExitCode}:\n{Output}";
}
