using System.Diagnostics.CodeAnalysis;

// Test names are sentences (Unknown_key_in_client_entry_is_rejected_with_its_position) so a failure reads as the rule it breaks.
[assembly: SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores",
    Justification = "xunit test names are written as sentences.", Scope = "namespaceanddescendants", Target = "~N:Lumen.Tests.Config")]
