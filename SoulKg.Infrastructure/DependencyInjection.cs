using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Npgsql;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Board;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Data.Interceptors;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Infrastructure.Demo;
using SoulKg.Infrastructure.Identity;
using SoulKg.Infrastructure.Notifications;
using SoulKg.Domain.Notifications;
using SoulKg.Infrastructure.FollowUps;
using SoulKg.Infrastructure.Tenancy;

namespace Microsoft.Extensions.DependencyInjection;

public static class InfrastructureDependencyInjection
{
    public static IHostApplicationBuilder AddSoulKgInfrastructure(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var connectionString = builder.Configuration.GetConnectionString("Default") is { Length: > 0 } configured
            ? configured
            : throw new InvalidOperationException("ConnectionStrings:Default is not set. scripts/run.sh sets it; see README, Configuration.");

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());

        services.AddScoped<OrgContext>();
        services.AddScoped<OrgConnectionInterceptor>();
        services.AddScoped<OrgStampInterceptor>();
        services.AddScoped<AuditInterceptor>();
        services.AddDbContextFactory<SoulKgDbContext>(
            (sp, options) => options
                .UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>())
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(
                    sp.GetRequiredService<OrgConnectionInterceptor>(),
                    sp.GetRequiredService<OrgStampInterceptor>(),
                    sp.GetRequiredService<AuditInterceptor>()),
            ServiceLifetime.Scoped);

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.SignIn.RequireConfirmedAccount = true; // "confirmed" = has an active membership
                options.Password.RequiredLength = 8;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.ClaimsIdentity.SecurityStampClaimType = SoulKgClaims.SecurityStamp;
            })
            .AddEntityFrameworkStores<SoulKgDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<SoulKgClaimsPrincipalFactory>()
            .AddErrorDescriber<RussianIdentityErrorDescriber>();
        services.AddScoped<IUserConfirmation<ApplicationUser>, ActiveMemberConfirmation>();

        services.AddScoped<MembershipLookup>();
        services.AddScoped<SignUpService>();
        services.AddScoped<OrgProvisioner>();
        services.AddScoped<DemoSeeder>();
        services.AddScoped<DemoCrmData>();
        services.AddScoped<DemoConversations>();
        services.AddScoped<LoadSeeder>();
        services.AddSingleton<ChangeNotifier>();
        services.AddSingleton<ChangeListener>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeListener>());
        services.AddScoped<ChangeLogService>();

        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section);
        services.AddSingleton<InboundPipeline>();
        services.AddSingleton<MessageStatusService>();
        services.AddSingleton<ChannelPacer>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddSingleton<InboundRetryWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<InboundRetryWorker>());
        services.AddScoped<ConversationService>();
        services.AddScoped<ChannelService>();
        services.AddScoped<BoardService>();
        services.AddScoped<ClientService>();
        services.AddScoped<DealService>();
        services.AddScoped<DealStageService>();
        services.AddScoped<FunnelSettingsService>();
        services.AddScoped<TourService>();
        services.AddScoped<PartnerService>();
        builder.AddSoulKgFollowUps(connectionString);
        services.AddSoulKgAnalytics();
        services.AddSoulKgWhatsApp(builder.Configuration);
        services.AddSoulKgAgents(builder.Configuration);
        services.AddSoulKgNotifications();
        services.AddSoulKgHandoffs(builder.Configuration);
        services.AddTransient<DatabaseMigrator>();
        return builder;
    }
}
