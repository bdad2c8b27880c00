namespace FastBroker.Load.Tests.Peers;

/// <summary>
/// A test against a real peer broker (Redis, NATS, RabbitMQ). The README's <c>dotnet test FastBroker.sln</c> needs only
/// the .NET SDK, so these run only when <c>FASTBROKER_PEER_TESTS=1</c> is set — by the peer step of .ci/run, after it
/// has installed the peers — and are reported as skipped otherwise.
/// </summary>
public sealed class PeerFactAttribute : FactAttribute
{
    /// <summary>The variable that turns the peer tests on.</summary>
    public const string Variable = "FASTBROKER_PEER_TESTS";

    /// <summary>True when the peer tests are turned on.</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>Skips the test unless <see cref="Enabled"/>.</summary>
    public PeerFactAttribute()
    {
        if (!Enabled) Skip = $"needs peer brokers installed; runs with {Variable}=1 (the peer step of .ci/run)";
    }
}
