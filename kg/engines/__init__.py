"""The query engines: what runs SPARQL over the built graph, embedded or remote.

- `base`: `Engine`, what every engine offers (`run`, `update`), and what a query is given
  (`Bindings`, `QueryDataset`) and gives back (`kg.results.Result`, terms converted by
  `from_ox`/`Converter`); `is_update`.
- `embedded`: the embedded engines, `OxigraphEngine` (in memory, or on disk in a folder
  `ondisk` claims with its marker) and `RdflibEngine`.
- `remote`: `RemoteEngine`, a SPARQL 1.1 endpoint sent the build's graphs as each query's
  dataset and its parameters as a `VALUES` block (`with_values`); `push`, the Graph Store
  Protocol upload of a build.
- `http`: the one HTTP client of the project and its safety rules (a total deadline, a size
  limit, no credentials to another origin, no redirect that changes the method), apart from
  the engine as rdflib keeps `sparqlconnector` apart from `sparqlstore`.
- `timeout`: a query's time and size: `check_timeout` (the one rule for `--timeout`),
  `run_with_timeout` (a forked process, ended at its timeout or its caller's `deadline`).
- `open`: `open_engine`, the engine a user asked for (`kg.plugins.ENGINES`) or the remote one.

The modules import downwards only: `open` imports `base` and the engines (the embedded ones
through `kg.plugins.ENGINES`, the remote one when asked for), `remote` imports `http`, `timeout`
and `base`, `http` imports `timeout`, `embedded` imports `ondisk` and `base`; nothing here
imports `kg.engines` itself.
"""
