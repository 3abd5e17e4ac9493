"""tocsin: conflict and security reporting in, evidence-linked event data out."""

__version__ = "0.1.0"
PIPELINE_VERSION = f"tocsin {__version__}"


def __getattr__(name: str) -> object:
    # `tocsin.Store` without importing the store (and DuckDB) on `import tocsin`.
    if name == "Store":
        from tocsin.store import Store

        return Store
    raise AttributeError(f"module 'tocsin' has no attribute {name!r}")
