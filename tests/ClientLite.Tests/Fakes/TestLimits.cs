namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>Upper bound on any one test's real running time, so a hang fails the test instead of the run.</summary>
internal static class TestLimits
{
    public const int TestMs = 30_000;
}
