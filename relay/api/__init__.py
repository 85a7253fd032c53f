"""Package data: the OpenAPI document of relay's HTTP surface."""
