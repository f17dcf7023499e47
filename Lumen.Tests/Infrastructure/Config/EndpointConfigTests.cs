using Lumen.Infrastructure.Config;

namespace Lumen.Tests.Infrastructure.Config;

/// <summary>§20's config: an endpoint's <c>max_concurrent</c>, and near-miss keys on models and endpoints.</summary>
public class EndpointConfigTests
{
    private const string Clients = "clients:\n  default: {}\n";

    private static string Model(string endpointLines, string modelLines = "") =>
        "models:\n  - name: llama3\n" + modelLines + "    endpoints:\n      - url: http://gpu1:8000/v1\n" + endpointLines + Clients;

    [Fact]
    public void Max_concurrent_is_read_and_an_endpoint_without_it_has_no_cap()
    {
        var config = ConfigText.Valid("models:\n  - name: llama3\n    endpoints:\n      - url: http://gpu1:8000/v1\n        max_concurrent: 8\n"
            + "      - url: http://gpu2:8000/v1\n" + Clients).Config!;

        config.Models.FindActive("llama3")!.Endpoints.Select(e => e.MaxConcurrent).Should().Equal(8, null);
    }

    [Theory]
    [InlineData("0", "found 0")]
    [InlineData("-3", "found -3")]
    [InlineData("2.5", "found 2.5")]
    [InlineData("lots", "must be a number")]
    public void Max_concurrent_that_is_not_a_positive_whole_number_rejects_the_file_at_its_position(string value, string said)
    {
        var errors = ConfigText.Rejected(Model($"        max_concurrent: {value}\n"));

        errors.Should().ContainSingle();
        (errors[0].Line, errors[0].Column).Should().Be((5, 25));
        errors[0].Message.Should().Contain("max_concurrent of endpoint 1 of model 'llama3'").And.Contain(said);
    }

    [Fact]
    public void A_near_miss_key_on_an_endpoint_or_a_model_is_a_warning_and_other_unknown_keys_are_skipped()
    {
        var result = ConfigText.Valid(Model("        max_concurent: 8\n        tls_verify: false\n", "    activ: true\n    description: big\n"));

        result.Warnings.Select(w => (w.Line, w.Column, w.Message)).Should().Equal(
            (3, 5, "Unknown key 'activ' in model 'llama3' is ignored; did you mean 'active'?"),
            (7, 9, "Unknown key 'max_concurent' in endpoint 1 of model 'llama3' is ignored; did you mean 'max_concurrent'?"));
        result.Config!.Models.FindActive("llama3")!.Endpoints.Single().MaxConcurrent.Should().BeNull("a misspelt key sets nothing");
    }
}
