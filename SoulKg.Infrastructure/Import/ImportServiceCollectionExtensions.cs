using Microsoft.Extensions.Configuration;
using SoulKg.Infrastructure.Import;

namespace Microsoft.Extensions.DependencyInjection;

public static class ImportServiceCollectionExtensions
{
    /// <summary>Chat and client imports; uploads and media go under <paramref name="dataPath"/>.</summary>
    public static IServiceCollection AddSoulKgImport(this IServiceCollection services, IConfiguration configuration, string dataPath)
    {
        services.AddOptions<ImportOptions>().Bind(configuration.GetSection(ImportOptions.Section)).Configure(o =>
        {
            if (string.IsNullOrEmpty(o.StoragePath))
            {
                o.StoragePath = dataPath;
            }
        });
        services.AddSingleton<ImportQueue>();
        services.AddSingleton<ImportRunner>();
        services.AddHostedService<ImportWorker>();
        services.AddScoped<ImportService>();
        return services;
    }
}
