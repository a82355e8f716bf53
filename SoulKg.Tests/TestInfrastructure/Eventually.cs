namespace SoulKg.Tests.TestInfrastructure;

/// <summary>Polls a condition until it holds, for behaviour that happens in another process (the browser) or later.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, int seconds = 30, Func<string>? because = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException("Timed out: " + (because?.Invoke() ?? "condition never held"));
            }

            await Task.Delay(200);
        }
    }
}
