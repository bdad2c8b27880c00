using System.Text.Json.Serialization;

namespace FastBroker.Load.Reports;

/// <summary>Source-generated JSON for run reports: no reflection, so the harness stays trimming and AOT friendly.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
