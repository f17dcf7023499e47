using System.ClientModel;
using System.ClientModel.Primitives;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Managers;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

namespace Lumen.Tests.Hosting;

/// <summary>What tests ask of a portal, through the same use cases the command line runs (as <see cref="Actor.Cli"/>).</summary>
public partial class TestHost
{
    public async Task CreateClientAsync(string name, params string[] managers)
    {
        (await Services.GetRequiredService<ClientService>().CreateAsync(Actor.Cli, name)).Unwrap();
        foreach (var manager in managers)
            (await Services.GetRequiredService<ManagerService>().AddAsync(Actor.Cli, name, manager)).Unwrap();
    }

    public async Task SetActiveAsync(string name, bool active) =>
        (await Services.GetRequiredService<ClientService>().SetActiveAsync(Actor.Cli, name, active)).Unwrap();

    /// <summary>A new API key of the client, in full.</summary>
    public async Task<string> NewKeyAsync(string client) =>
        (await Services.GetRequiredService<ApiKeyService>().CreateAsync(Actor.Cli, client, "test")).Unwrap().FullKey;

    /// <summary>Saves the config file in place, as an editor does; the portal's watcher applies it.</summary>
    public Task WriteConfigAsync(string yaml) => File.WriteAllTextAsync(ConfigPath, yaml);

    /// <summary>Saves the config file and applies it now: when this returns, the new config is in force.</summary>
    public async Task SaveConfigAsync(string yaml)
    {
        await WriteConfigAsync(yaml);
        await ReloadConfigAsync();
    }

    /// <summary>
    /// Applies the config file now, as the watcher does on a save. When this returns the file's content is in force:
    /// if the watcher saw the save first, the call finds nothing new; if it is mid-apply, the call applies it too.
    /// </summary>
    public Task ReloadConfigAsync() => Services.GetRequiredService<ConfigWatcher>().ReloadAsync();

    /// <summary>The official OpenAI SDK pointed at this portal's /v1, with retries off so each call is one request.</summary>
    public OpenAIClient Sdk(string key, HttpClient? http = null)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(BaseAddress, "/v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromSeconds(30),
        };
        if (http is not null) options.Transport = new HttpClientPipelineTransport(http);
        return new OpenAIClient(new ApiKeyCredential(key), options);
    }

    /// <summary>A chat call to <paramref name="model"/> over HTTP with <paramref name="key"/>, its answer read in full.</summary>
    public async Task<HttpResponseMessage> ChatAsync(string key, string model)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>A context on the portal's own database.</summary>
    internal async Task<LumenDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<LumenDbContext>>().CreateDbContextAsync();

    /// <summary>
    /// The command line as an operator runs it beside this portal: a process of its own over the same database, config
    /// file and Redis.
    /// </summary>
    public Task<(int Exit, string Stdout, string Stderr)> RunCommandLineAsync(params string[] args)
    {
        var start = PortalProcess.StartInfo(_dir, args);
        start.Environment["ConnectionStrings__Lumen"] = ConnectionString;
        if (Options.Database is { } database) start.Environment["Database__Provider"] = database.Provider.ToString();
        start.Environment["Lumen__ConfigPath"] = ConfigPath;
        foreach (var (_, redis) in Options.Settings.Where(s => s.Key == "Redis:Configuration")) start.Environment["Redis__Configuration"] = redis;
        return PortalProcess.RunAsync(start);
    }
}
