namespace FastBroker.Server.Positions;

/// <summary>Identifies one consumer group's position in one partition.</summary>
internal readonly record struct PositionKey(string Group, string Topic, int Partition);
