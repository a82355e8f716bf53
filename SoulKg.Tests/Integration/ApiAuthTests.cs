using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using SoulKg.Domain.Tenancy;
using SoulKg.Tests.TestInfrastructure;
using SoulKg.Web.Features.Auth;
using SoulKg.Web.Infrastructure.Auth;

namespace SoulKg.Tests.Integration;

public sealed class ApiAuthTests(SoulKgWebFactory app) : IClassFixture<SoulKgWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ValidCredentialsGetATokenPairThatOpensTheApi()
    {
        var owner = await app.CreateOrgAsync();

        var tokens = await app.GetTokenAsync(owner);
        using var client = app.CreateBearerClient(tokens.AccessToken);
        using var me = await client.GetAsync("/api/v1/me", Ct);

        tokens.TokenType.ShouldBe("Bearer");
        tokens.RefreshToken.ShouldNotBeNullOrWhiteSpace();
        tokens.ExpiresAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow);
        tokens.RefreshExpiresAt.ShouldBeGreaterThan(tokens.ExpiresAt);
        me.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task WrongPasswordAnswers401Problem()
    {
        var owner = await app.CreateOrgAsync();
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(owner.Email, "Wr0ngPassword"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task UnknownEmailAnswersTheSame401AsAWrongPassword()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(SoulKgWebFactory.UniqueEmail("nobody"), "Passw0rd!"), Ct);

        (await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized)).GetProperty("title").GetString().ShouldBe("Неверный e-mail или пароль");
    }

    [Fact]
    public async Task FiveWrongPasswordsLockTheAccountEvenForTheRightOne()
    {
        var owner = await app.CreateOrgAsync();
        using var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(owner.Email, "Wr0ngPassword"), Ct);
            statuses.Add(wrong.StatusCode);
        }

        using var right = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(owner.Email, owner.Password), Ct);

        statuses.ShouldBe([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 4), HttpStatusCode.Locked]);
        await right.ShouldBeProblemAsync(HttpStatusCode.Locked);
    }

    [Fact]
    public async Task MissingTokenAnswers401Problem()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/v1/me", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task MalformedTokenAnswers401Problem()
    {
        using var client = app.CreateBearerClient("not.a.jwt");

        using var response = await client.GetAsync("/api/v1/me", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TokenSignedWithAnotherKeyAnswers401()
    {
        var owner = await app.CreateOrgAsync();
        var token = await app.GetTokenAsync(owner);
        var forged = Resign(token.AccessToken, new SymmetricSecurityKey(new byte[64]), DateTime.UtcNow.AddMinutes(10));
        using var client = app.CreateBearerClient(forged);

        using var response = await client.GetAsync("/api/v1/me", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ExpiredTokenAnswers401WhileTheSameTokenStillValidWorks()
    {
        var owner = await app.CreateOrgAsync();
        var token = await app.GetTokenAsync(owner);
        var key = app.Services.GetRequiredService<SigningKeyProvider>().Key;
        using var expired = app.CreateBearerClient(Resign(token.AccessToken, key, DateTime.UtcNow.AddMinutes(-5)));
        using var fresh = app.CreateBearerClient(Resign(token.AccessToken, key, DateTime.UtcNow.AddMinutes(5)));

        using var expiredResponse = await expired.GetAsync("/api/v1/me", Ct);
        using var freshResponse = await fresh.GetAsync("/api/v1/me", Ct);

        await expiredResponse.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        freshResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RefreshRotatesAndAReusedRefreshTokenRevokesTheWholeFamily()
    {
        var owner = await app.CreateOrgAsync();
        var first = await app.GetTokenAsync(owner);
        using var client = app.CreateClient();

        using var rotated = await client.PostAsJsonAsync("/api/v1/auth/refresh", new RefreshRequest(first.RefreshToken), Ct);
        rotated.StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = (await rotated.Content.ReadFromJsonAsync<TokenPair>(Ct)).ShouldNotBeNull();
        using var reused = await client.PostAsJsonAsync("/api/v1/auth/refresh", new RefreshRequest(first.RefreshToken), Ct);
        using var afterReuse = await client.PostAsJsonAsync("/api/v1/auth/refresh", new RefreshRequest(second.RefreshToken), Ct);

        second.RefreshToken.ShouldNotBe(first.RefreshToken);
        second.AccessToken.ShouldNotBe(first.AccessToken);
        await reused.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await afterReuse.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        (await Sql.ScalarAsync<long>(app.Database.AdminConnectionString,
            "SELECT count(*) FROM refresh_tokens WHERE user_id = @u AND revoked_at IS NULL", ("u", owner.UserId))).ShouldBe(0);
    }

    [Fact]
    public async Task RefreshTokenRedeemedConcurrentlyIsHonouredOnlyOnce()
    {
        var owner = await app.CreateOrgAsync();
        var tokens = await app.GetTokenAsync(owner);
        using var client = app.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            client.PostAsJsonAsync("/api/v1/auth/refresh", new RefreshRequest(tokens.RefreshToken), Ct)));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task UnknownRefreshTokenAnswers401Problem()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new RefreshRequest("bm90IGEgcmVmcmVzaCB0b2tlbg=="), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task MeReturnsTheOrganisationRoleAndPermissionsOfTheOwner()
    {
        var owner = await app.CreateOrgAsync();
        using var client = await app.CreateBearerClientAsync(owner);

        var me = await client.GetFromJsonAsync<MeResponse>("/api/v1/me", Ct);

        me.ShouldNotBeNull();
        me.UserId.ShouldBe(owner.UserId);
        me.Email.ShouldBe(owner.Email);
        me.OrgId.ShouldBe(owner.OrgId);
        me.OrgName.ShouldBe(owner.OrgName);
        me.Role.ShouldBe("Owner");
        me.Permissions.ShouldBe(Permissions.All, ignoreOrder: true);
    }

    [Fact]
    public async Task MeReturnsOnlyTheOperatorsOwnPermissions()
    {
        var owner = await app.CreateOrgAsync();
        var operatorAccount = await app.CreateUserAsync(owner, OrgRole.Operator);
        using var client = await app.CreateBearerClientAsync(operatorAccount);

        var me = await client.GetFromJsonAsync<MeResponse>("/api/v1/me", Ct);

        me.ShouldNotBeNull();
        me.OrgId.ShouldBe(owner.OrgId);
        me.Role.ShouldBe("Operator");
        me.Permissions.ShouldBe([Permissions.WorkChats]);
    }

    [Fact]
    public async Task SalesTokenOnAnAdminOnlyEndpointAnswers403Problem()
    {
        var owner = await app.CreateOrgAsync();
        var sales = await app.CreateUserAsync(owner, OrgRole.Sales);
        using var salesClient = await app.CreateBearerClientAsync(sales);
        using var ownerClient = await app.CreateBearerClientAsync(owner);

        using var forSales = await salesClient.GetAsync(TestEndpoints.ManageUsersPath, Ct);
        using var forOwner = await ownerClient.GetAsync(TestEndpoints.ManageUsersPath, Ct);

        await forSales.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        forOwner.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DeactivatedUserLosesTheApiAtOnce()
    {
        var owner = await app.CreateOrgAsync();
        var sales = await app.CreateUserAsync(owner, OrgRole.Sales);
        var tokens = await app.GetTokenAsync(sales);
        using var client = app.CreateBearerClient(tokens.AccessToken);
        (await client.GetAsync("/api/v1/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await app.DeactivateAsync(sales);
        using var withOldToken = await client.GetAsync("/api/v1/me", Ct);
        using var newToken = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(sales.Email, sales.Password), Ct);
        using var refreshed = await client.PostAsJsonAsync("/api/v1/auth/refresh", new RefreshRequest(tokens.RefreshToken), Ct);

        await withOldToken.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await newToken.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await refreshed.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TokenIssuedBeforeARoleChangeStopsWorking()
    {
        var owner = await app.CreateOrgAsync();
        var sales = await app.CreateUserAsync(owner, OrgRole.Sales);
        using var client = await app.CreateBearerClientAsync(sales);
        (await client.GetAsync("/api/v1/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await app.ChangeRoleAsync(sales, OrgRole.Operator);
        using var withOldToken = await client.GetAsync("/api/v1/me", Ct);
        using var withNewToken = await app.CreateBearerClientAsync(sales);
        var me = await withNewToken.GetFromJsonAsync<MeResponse>("/api/v1/me", Ct);

        await withOldToken.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        me.ShouldNotBeNull().Role.ShouldBe("Operator");
    }

    [Fact]
    public async Task TokenRequestWithoutEmailAnswersValidationProblem()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest("", "x"), Ct);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("email");
    }

    /// <summary>The same claims, signed with <paramref name="key"/> and expiring at <paramref name="expires"/>.</summary>
    private string Resign(string accessToken, SecurityKey key, DateTime expires)
    {
        var original = new JwtSecurityTokenHandler().ReadJwtToken(accessToken);
        var jwt = app.Services.GetRequiredService<IOptions<JwtOptions>>().Value;
        var claims = original.Claims.Where(c => c.Type is not (JwtRegisteredClaimNames.Exp or JwtRegisteredClaimNames.Nbf
            or JwtRegisteredClaimNames.Iat or JwtRegisteredClaimNames.Iss or JwtRegisteredClaimNames.Aud));
        var token = new JwtSecurityToken(jwt.Issuer, jwt.Audience, claims, notBefore: expires.AddMinutes(-30), expires: expires,
            signingCredentials: new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}
