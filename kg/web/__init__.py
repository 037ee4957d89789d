"""The workbench page that `kg serve` serves: HTML, script and stylesheet, all local."""
