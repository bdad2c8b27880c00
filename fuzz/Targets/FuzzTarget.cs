namespace FastBroker.Fuzz.Targets;

/// <summary>One fuzz entry point: any input is acceptable; only an exception (or a hang) is a finding.</summary>
public delegate void FuzzTarget(ReadOnlySpan<byte> input);
