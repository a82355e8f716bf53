using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using FluentValidation;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;
using Serilog;
using Serilog.Formatting.Compact;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Web.Components.Account;
using SoulKg.Web.Features;
using SoulKg.Web.Infrastructure;
using SoulKg.Web.Infrastructure.Auth;

namespace SoulKg.Web;

public static class WebDependencyInjection
{
    public const string ApiRateLimit = "api";
    public const string SignInRateLimit = "sign-in";

    public static IHostApplicationBuilder AddSoulKgWeb(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddSerilog((sp, log) => log
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(new RenderedCompactJsonFormatter()));

        var otel = services.AddOpenTelemetry()
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddMeter("SoulKg"))
            .WithTracing(t => t.AddAspNetCoreInstrumentation().AddSource("SoulKg"));
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.WithMetrics(m => m.AddOtlpExporter()).WithTracing(t => t.AddOtlpExporter());
        }

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddLocalization(options => options.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(options =>
        {
            CultureInfo[] cultures = [new("ru"), new("en")];
            options.DefaultRequestCulture = new RequestCulture("ru");
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            options.RequestCultureProviders = [new CookieRequestCultureProvider()]; // Russian first, whatever the browser says
        });

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<CircuitHandler, OrgCircuitHandler>();

        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SigningKeyProvider>();
        services.AddScoped<TokenService>();
        services.AddSingleton<JwtEvents>();
        // The API takes bearer tokens only (no cookies, so no CSRF); the UI takes the Identity cookie.
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = "SoulKg";
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddPolicyScheme("SoulKg", "API bearer or UI cookie", options => options.ForwardDefaultSelector = http =>
                http.Request.Path.StartsWithSegments("/api") || http.Request.Path.StartsWithSegments("/hubs")
                    ? JwtBearerDefaults.AuthenticationScheme
                    : IdentityConstants.ApplicationScheme)
            .AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, options =>
            {
                options.MapInboundClaims = false;
                options.EventsType = typeof(JwtEvents);
            })
            .AddIdentityCookies();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>, SigningKeyProvider>((options, jwt, keys) =>
            {
                options.TokenValidationParameters = new()
                {
                    ValidIssuer = jwt.Value.Issuer,
                    ValidAudience = jwt.Value.Audience,
                    IssuerSigningKey = keys.Key,
                    ValidAlgorithms = ["HS256"],
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = ClaimTypes.Name,
                    RoleClaimType = ClaimTypes.Role,
                };
            });
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/Account/Login";
            options.AccessDeniedPath = "/Account/AccessDenied";
            options.Cookie.Name = "soulkg.auth";
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.ExpireTimeSpan = TimeSpan.FromDays(7);
            options.SlidingExpiration = true;
        });
        // A deactivated user's cookie stops working within a minute, not after the default 30.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddAuthorization(options =>
        {
            foreach (var permission in Permissions.All)
            {
                options.AddPolicy(permission, policy => policy.RequireAssertion(ctx =>
                    Enum.TryParse<OrgRole>(ctx.User.FindFirstValue(ClaimTypes.Role), out var role) && Permissions.Has(role, permission)));
            }
        });

        services.AddProblemDetails(options => options.CustomizeProblemDetails = ctx =>
            ctx.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? ctx.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (ctx, token) =>
            {
                var retryAfter = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60);
                ctx.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await ProblemResults.WriteAsync(ctx.HttpContext, StatusCodes.Status429TooManyRequests, "Слишком много запросов",
                    $"Повторите через {(int)Math.Ceiling(retryAfter.TotalSeconds)} с.");
            };
            var limits = builder.Configuration.GetSection("RateLimits");
            var perUser = limits.GetValue("ApiPerMinute", 600);
            var signIn = limits.GetValue("SignInPerMinute", 10);
            options.AddPolicy(ApiRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "ip:" + http.Connection.RemoteIpAddress,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perUser, Window = TimeSpan.FromMinutes(1) }));
            options.AddPolicy(SignInRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                "ip:" + http.Connection.RemoteIpAddress,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = signIn, Window = TimeSpan.FromMinutes(1) }));
        });

        services.AddValidatorsFromAssemblyContaining<Program>(includeInternalTypes: true);
        services.AddValidatorsFromAssemblyContaining<SoulKg.Domain.Money>(includeInternalTypes: true);
        services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecuritySchemeTransformer>());
        services.AddHealthChecks().AddDbContextCheck<SoulKgDbContext>("database", tags: ["ready"]);
        services.AddHttpContextAccessor();
        // Keys for cookies and anti-forgery survive restarts and are shared by instances using the same data folder.
        services.AddDataProtection()
            .SetApplicationName("SoulKg")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(DataPath.Get(builder.Configuration), "keys")));

        builder.AddSoulKgFeatures();
        return builder;
    }

    public static WebApplication UseSoulKgPipeline(this WebApplication app)
    {
        app.UseSerilogRequestLogging();
        app.UseExceptionHandler();
        app.UseStatusCodePages(async ctx =>
        {
            var http = ctx.HttpContext;
            if (http.Request.Path.StartsWithSegments("/api") && !http.Response.HasStarted)
            {
                var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http });
            }
            else if (http.Response.StatusCode == StatusCodes.Status404NotFound && !http.Response.HasStarted)
            {
                http.Response.Redirect("/not-found");
            }
        });
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseRequestLocalization();
        app.UseAuthentication();
        // After authentication, so the API limit is counted per user (not per shared IP).
        app.UseRateLimiter();
        app.UseMiddleware<OrgContextMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/scalar", options => options.WithTitle("SoulKG CRM API"));
        return app;
    }

    public static WebApplication MapSoulKgApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1")
            .RequireRateLimiting(ApiRateLimit)
            .AddEndpointFilter<ValidationFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapSoulKgFeatures();
        app.MapSoulKgHubs();
        return app;
    }
}
