using Lumen.Domain.Models;

namespace Lumen.Infrastructure.Gateway;

/// <summary>A call allowed to go ahead: who is calling, with which key, to which model.</summary>
public sealed record Admission(int ClientId, string ClientName, int KeyId, ModelDefinition Model);
