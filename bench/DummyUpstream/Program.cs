using System.Text;

// A minimal OpenAI-compatible upstream for load runs: a fixed small completion with usage, and a model list.
// It drains the request body (as a real server reads it) but does no work, so that what a run measures is the caller.
// Every call needs "Authorization: Bearer …" (any value), as a real endpoint would; without one it answers 401.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var completion = Encoding.UTF8.GetBytes("""
    {"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-upstream","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the bench upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":8,"total_tokens":20}}
    """);
var models = Encoding.UTF8.GetBytes("""
    {"object":"list","data":[{"id":"bench-upstream","object":"model","created":1700000000,"owned_by":"bench"}]}
    """);
var unauthorized = Encoding.UTF8.GetBytes("""
    {"error":{"message":"Missing bearer token.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}
    """);

app.MapPost("/v1/chat/completions", async (HttpContext http) =>
{
    await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted);
    await WriteAsync(http, completion);
});
app.MapGet("/v1/models", (HttpContext http) => WriteAsync(http, models));

await app.RunAsync();

Task WriteAsync(HttpContext http, byte[] json)
{
    var authorized = http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal);
    http.Response.StatusCode = authorized ? 200 : 401;
    http.Response.ContentType = "application/json";
    var body = authorized ? json : unauthorized;
    http.Response.ContentLength = body.Length;
    return http.Response.Body.WriteAsync(body, 0, body.Length, http.RequestAborted);
}
