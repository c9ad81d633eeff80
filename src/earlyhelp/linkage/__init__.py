"""Record linkage: standardise person records, a Splink model, clusters, and their quality."""
