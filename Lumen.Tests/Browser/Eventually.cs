namespace Lumen.Tests.Browser;

/// <summary>Retries an assertion about state outside the page (the database, a file) until it holds or time runs out.</summary>
internal static class Eventually
{
    public static async Task AssertAsync(Func<Task> assertion, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? BrowserFixture.Timeout);
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
