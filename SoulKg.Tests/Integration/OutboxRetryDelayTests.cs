using SoulKg.Infrastructure.Conversations;

namespace SoulKg.Tests.Integration;

public sealed class OutboxRetryDelayTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(4, 16)]
    [InlineData(8, 60)] // 256 s doubled, held at the cap
    [InlineData(60, 60)] // a huge attempt count neither overflows nor passes the cap
    public void TheBackoffDoublesFromTheFirstDelayAndStopsAtTheCap(int attempts, int expectedSeconds)
    {
        var options = new OutboxOptions { FirstRetryDelay = TimeSpan.FromSeconds(2), MaxRetryDelay = TimeSpan.FromMinutes(1) };

        OutboxDispatcher.RetryDelay(attempts, options).ShouldBe(TimeSpan.FromSeconds(expectedSeconds));
    }
}
