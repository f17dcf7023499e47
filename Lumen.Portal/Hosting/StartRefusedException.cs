namespace Lumen.Portal.Hosting;

/// <summary>The portal must not start, for a reason an operator fixes in the settings; reported as one line.</summary>
public sealed class StartRefusedException(string message) : InvalidOperationException(message);
