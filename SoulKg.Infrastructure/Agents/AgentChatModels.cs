using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.AzureOpenAI;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using SoulKg.Domain.Agents;
using SoulKg.Infrastructure.Agents.Offline;

namespace SoulKg.Infrastructure.Agents;

/// <summary>
/// Picks the chat model of an agent by its provider name: <c>offline</c> is the built-in model; any other name is an
/// OpenAI-compatible endpoint from <c>Agents:Providers:&lt;name&gt;</c> (or a keyed <see cref="IChatCompletionService"/>
/// registered under that name, which is how tests plug in failing models).
/// </summary>
public sealed class AgentChatModels(IServiceProvider services, OfflineChatModel offline, IOptions<AgentOptions> options, ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<(string Provider, string Model), IChatCompletionService> _remote = new();

    public IChatCompletionService Resolve(AgentSettings settings)
    {
        if (string.Equals(settings.Provider, AgentProviders.Offline, StringComparison.OrdinalIgnoreCase))
        {
            return offline;
        }

        if (services.GetKeyedService<IChatCompletionService>(settings.Provider) is { } keyed)
        {
            return keyed;
        }

        if (!options.Value.Providers.TryGetValue(settings.Provider, out var provider) || string.IsNullOrWhiteSpace(provider.Endpoint))
        {
            throw new InvalidOperationException($"Model provider '{settings.Provider}' is not configured (Agents:Providers:{settings.Provider}).");
        }

        return _remote.GetOrAdd((settings.Provider, settings.Model), key => provider.Kind.Equals("AzureOpenAI", StringComparison.OrdinalIgnoreCase)
            ? new AzureOpenAIChatCompletionService(key.Model, provider.Endpoint, provider.ApiKey ?? "", loggerFactory: loggers)
            : new OpenAIChatCompletionService(key.Model, new OpenAI.OpenAIClient(
                new System.ClientModel.ApiKeyCredential(string.IsNullOrEmpty(provider.ApiKey) ? "none" : provider.ApiKey),
                new OpenAI.OpenAIClientOptions { Endpoint = new Uri(provider.Endpoint) }), loggers));
    }
}
