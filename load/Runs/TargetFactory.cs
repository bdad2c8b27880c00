using FastBroker.Load.Targets;

namespace FastBroker.Load.Runs;

/// <summary>Creates the target a run names: FastBroker here, peers through <see cref="PeerTargets"/>.</summary>
internal static class TargetFactory
{
    /// <summary>The name of the FastBroker target.</summary>
    public const string FastBrokerName = "fastbroker";

    /// <summary>Every target name the harness knows.</summary>
    public static IReadOnlyList<string> KnownNames => [FastBrokerName, .. PeerTargets.Names];

    /// <summary>The target for <paramref name="settings"/>, or null when its name is unknown.</summary>
    public static IBrokerTarget? Create(RunSettings settings, TimeProvider time)
    {
        if (string.Equals(settings.Target, FastBrokerName, StringComparison.Ordinal))
        {
            return new FastBrokerTarget(settings.Endpoints.FastBroker, new FastBrokerTargetOptions
            {
                BatchBytes = settings.BatchBytes,
                Linger = settings.Linger,
                Idempotent = settings.Idempotent,
                ConsumersPerGroup = settings.Consumers,
                ConsumerMode = settings.FastBrokerConsumers,
                QueueReceive = settings.QueueReceive,
                QueueBatch = settings.QueueBatch,
                Routes = settings.Routes,
                FsyncLabel = settings.Fsync,
                GroupSessionTimeout = (Scenarios.ScenarioCatalog.Find(settings.Scenario)?.Features & Scenarios.ScenarioFeatures.Groups) != 0
                    ? settings.SessionTimeout : null,
                TimeProvider = time,
            });
        }
        return PeerTargets.Create(settings.Target, settings.Endpoints, settings.Routes);
    }
}
