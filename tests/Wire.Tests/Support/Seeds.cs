namespace FastBroker.Wire.Tests.Support;

/// <summary>The seeds of the randomized round trips; fixed so every run checks the same inputs.</summary>
public static class Seeds
{
    public static TheoryData<int> Some { get; } = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89];
}
