using System.Net;
using System.Net.Http.Json;
using System.Text;
using SoulKg.Tests.TestInfrastructure;
using SoulKg.Web.Features.Auth;

namespace SoulKg.Tests.Integration;

public sealed class SignUpTests(SoulKgWebFactory app) : IClassFixture<SoulKgWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignUpCreatesTheOrganisationItsOwnerAndTheMembershipTogether()
    {
        var body = NewBody();
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/signup", body, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        var me = (await response.Content.ReadFromJsonAsync<MeResponse>(Ct)).ShouldNotBeNull();
        me.OrgName.ShouldBe(body.OrganizationName);
        me.Role.ShouldBe("Owner");
        me.Email.ShouldBe(body.Email);
        var admin = app.Database.AdminConnectionString;
        (await Sql.ScalarAsync<string>(admin, "SELECT name FROM organizations WHERE id = @id", ("id", me.OrgId))).ShouldBe(body.OrganizationName);
        (await Sql.ScalarAsync<string>(admin, "SELECT display_name FROM users WHERE id = @id", ("id", me.UserId))).ShouldBe(body.DisplayName);
        (await Sql.ScalarAsync<string>(admin, "SELECT role FROM memberships WHERE org_id = @o AND user_id = @u AND is_active", ("o", me.OrgId), ("u", me.UserId)))
            .ShouldBe("Owner");
    }

    [Fact]
    public async Task NewOwnerCanSignInWithTheirPassword()
    {
        var body = NewBody();
        using var client = app.CreateClient();
        (await client.PostAsJsonAsync("/api/v1/auth/signup", body, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);

        using var token = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(body.Email, body.Password), Ct);

        token.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TakenEmailIsRefusedWithAProblemNamingEmail()
    {
        var existing = await app.CreateOrgAsync();
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/signup", NewBody() with { Email = existing.Email }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.ErrorFields().ShouldBe(["Email"]);
    }

    [Fact]
    public async Task WeakPasswordLeavesNothingHalfCreated()
    {
        // Long enough for the request validator, too weak for Identity (no digit, no capital): it fails inside the
        // sign-up transaction, after the organisation row was already written.
        var body = NewBody() with { Password = "onlylowercase" };
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/signup", body, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.ErrorFields().ShouldBe(["Password"]);
        var admin = app.Database.AdminConnectionString;
        (await Sql.ScalarAsync<long>(admin, "SELECT count(*) FROM organizations WHERE name = @n", ("n", body.OrganizationName))).ShouldBe(0);
        (await Sql.ScalarAsync<long>(admin, "SELECT count(*) FROM users WHERE email = @e", ("e", body.Email))).ShouldBe(0);
        (await Sql.ScalarAsync<long>(admin, "SELECT count(*) FROM audit_log WHERE changes::text LIKE @n", ("n", $"%{body.OrganizationName}%"))).ShouldBe(0);
    }

    [Fact]
    public async Task ShortPasswordIsRefusedBeforeAnythingIsWritten()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/signup", NewBody() with { Password = "Ab1" }, Ct);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe(["password"]);
    }

    [Theory]
    [InlineData("OrganizationName", 201)]
    [InlineData("DisplayName", 201)]
    [InlineData("Email", 257)]
    public async Task TooLongFieldIsRefusedWithAProblemNamingIt(string field, int length)
    {
        var body = NewBody();
        body = field switch
        {
            "OrganizationName" => body with { OrganizationName = new string('о', length) },
            "DisplayName" => body with { DisplayName = new string('и', length) },
            _ => body with { Email = new string('e', length - "@test.kg".Length) + "@test.kg" },
        };
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/signup", body, Ct);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain(char.ToLowerInvariant(field[0]) + field[1..]);
    }

    [Fact]
    public async Task BodyThatIsNotJsonIsRefusedWithAProblem()
    {
        using var client = app.CreateClient();
        using var content = new StringContent("organizationName=Тур&email=x", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/api/v1/auth/signup", content, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UnsupportedCultureIsRefused()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/signup", NewBody() with { Culture = "de" }, Ct);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe(["culture"]);
    }

    private static SignUpBody NewBody() =>
        new("Тур " + Guid.NewGuid().ToString("N")[..8], "Айбек Осмонов", SoulKgWebFactory.UniqueEmail("signup"), SoulKgWebFactory.Password, "ru");
}
