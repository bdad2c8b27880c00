namespace FastBroker.ClientLite;

/// <summary>A consumer group as listed by the broker: a name with stored positions.</summary>
/// <param name="Name">Group name.</param>
/// <param name="Topics">The topics the group has a stored position on, in ordinal order.</param>
public sealed record GroupInfo(string Name, IReadOnlyList<string> Topics);
