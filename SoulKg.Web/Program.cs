using SoulKg.Web;
using SoulKg.Web.Components;
using SoulKg.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddSoulKgInfrastructure();
builder.AddSoulKgWeb();

var app = builder.Build();

if (await CommandLine.TryRunAsync(app, args))
{
    return;
}

await app.MigrateOnStartupAsync();

app.UseSoulKgPipeline();
app.MapSoulKgApi();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAdditionalIdentityEndpoints();

await app.RunAsync();

public partial class Program;
