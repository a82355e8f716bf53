using System.Net;
using System.Net.Http.Json;
using SoulKg.Tests.TestInfrastructure;
using SoulKg.Web.Features.Auth;

namespace SoulKg.Tests.Integration;

/// <summary>The app with a sign-in limit of 3 requests a minute.</summary>
public sealed class LowSignInLimitFactory : SoulKgWebFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [new("RateLimits:SignInPerMinute", "3")];
}

public sealed class RateLimitTests(LowSignInLimitFactory app) : IClassFixture<LowSignInLimitFactory>
{
    [Fact]
    public async Task FourthTokenRequestInAMinuteAnswers429WithRetryAfter()
    {
        using var client = app.CreateClient();
        var request = new TokenRequest(SoulKgWebFactory.UniqueEmail("limit"), "Wr0ngPassword");
        var statuses = new List<HttpStatusCode>();

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var allowed = await client.PostAsJsonAsync("/api/v1/auth/token", request, TestContext.Current.CancellationToken);
            statuses.Add(allowed.StatusCode);
        }

        using var limited = await client.PostAsJsonAsync("/api/v1/auth/token", request, TestContext.Current.CancellationToken);

        statuses.ShouldBe([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized]);
        await limited.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = limited.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull();
        retryAfter.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    }
}
