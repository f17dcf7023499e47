using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace Lumen.Infrastructure.Redis;

/// <summary>
/// <c>Redis:Configuration</c> (a StackExchange.Redis configuration string, e.g. <c>redis:6379</c>) and
/// <c>Redis:ChannelPrefix</c> (default <c>lumen</c>: deployments sharing one Redis keep apart by it). Unset, there is no
/// Redis and changes travel between instances through the database only (§18).
/// </summary>
public sealed record RedisSettings(string Configuration, string ChannelPrefix)
{
    public const string DefaultChannelPrefix = "lumen";

    public static RedisSettings? FromConfiguration(IConfiguration configuration)
    {
        var given = configuration["Redis:Configuration"];
        if (string.IsNullOrWhiteSpace(given)) return null;
        var prefix = configuration["Redis:ChannelPrefix"];
        return new(given, string.IsNullOrWhiteSpace(prefix) ? DefaultChannelPrefix : prefix);
    }

    /// <summary>
    /// The connection options every Redis user here shares. Redis is an accelerator, never a dependency: a start does
    /// not wait for it (<c>AbortOnConnectFail</c> off, reconnecting in the background), and a command while it is down
    /// fails at once instead of queueing (<c>FailFast</c>), so a publish never holds up the call or action behind it.
    /// </summary>
    public ConfigurationOptions Options()
    {
        var options = ConfigurationOptions.Parse(Configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ChannelPrefix = RedisChannel.Literal(ChannelPrefix + ":");
        return options;
    }
}
