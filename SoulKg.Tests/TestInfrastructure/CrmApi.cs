using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Tests.TestInfrastructure;

/// <summary>Small helpers for the CRM API tests: JSON the way the API writes it, If-Match requests, and seed rows made through the API.</summary>
public static class CrmApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh organisation and an API client signed in as its owner (or as a new member with <paramref name="role"/>).</summary>
    public static async Task<(TestAccount Owner, HttpClient Api)> NewOrgAsync(this SoulKgWebFactory app)
    {
        var owner = await app.CreateOrgAsync();
        return (owner, await app.CreateBearerClientAsync(owner));
    }

    public static async Task<HttpClient> MemberClientAsync(this SoulKgWebFactory app, TestAccount owner, OrgRole role) =>
        await app.CreateBearerClientAsync(await app.CreateUserAsync(owner, role));

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
        where T : class
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(expected, body);
        return JsonSerializer.Deserialize<T>(body, Json).ShouldNotBeNull();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient api, string url, object? body) =>
        api.PostAsJsonAsync(url, body, Json, Ct);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient api, string url, object body) =>
        api.PutAsJsonAsync(url, body, Json, Ct);

    public static async Task<HttpResponseMessage> SendJsonAsync(this HttpClient api, HttpMethod method, string url, object? body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body, options: Json) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        return await api.SendAsync(request, Ct);
    }

    public static string ETagOf(this HttpResponseMessage response) => response.Headers.ETag.ShouldNotBeNull().ToString();

    /// <summary>A valid Kyrgyz mobile number nobody else in the test uses, written the local way: <c>0555 12 34 56</c>.</summary>
    public static string NewPhone()
    {
        var n = Random.Shared.Next(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        return $"0555 {n[..2]} {n[2..4]} {n[4..]}";
    }

    public static string E164(string localPhone) => "+996" + new string(localPhone.Where(char.IsAsciiDigit).ToArray())[1..];

    public static async Task<ClientDetails> CreateClientAsync(this HttpClient api, string name, params string[] phones)
    {
        using var response = await api.PostJsonAsync("/api/v1/clients", new { name, phones });
        return await response.ReadAsync<ClientDetails>(HttpStatusCode.Created);
    }

    public static async Task<(DealDetails Deal, string ETag)> CreateDealAsync(this HttpClient api, Guid clientId, object? fields = null)
    {
        var body = JsonSerializer.SerializeToNode(fields ?? new { }, Json)!.AsObject();
        body["clientId"] = clientId;
        if (!body.ContainsKey("adults"))
        {
            body["adults"] = 2;
        }

        using var response = await api.PostJsonAsync("/api/v1/deals", body);
        var deal = await response.ReadAsync<DealDetails>(HttpStatusCode.Created);
        return (deal, response.ETagOf());
    }

    public static async Task<IReadOnlyList<StageItem>> StagesAsync(this HttpClient api)
    {
        using var response = await api.GetAsync("/api/v1/funnel/stages", Ct);
        return await response.ReadAsync<List<StageItem>>();
    }

    public static async Task<HttpResponseMessage> MoveAsync(this HttpClient api, Guid dealId, Guid stageId, string? ifMatch = null, string? reason = null) =>
        await api.SendJsonAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/move", new { stageId, reason }, ifMatch);

    public static async Task<IReadOnlyList<StageChangeItem>> HistoryAsync(this HttpClient api, Guid dealId)
    {
        using var response = await api.GetAsync($"/api/v1/deals/{dealId}/history", Ct);
        return await response.ReadAsync<List<StageChangeItem>>();
    }
}
