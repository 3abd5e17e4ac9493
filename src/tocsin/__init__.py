"""tocsin: conflict and security reporting in, evidence-linked event data out."""

from tocsin.version import PIPELINE_VERSION, __version__

__all__ = ["PIPELINE_VERSION", "Store", "__version__"]


def __getattr__(name: str) -> object:
    # `tocsin.Store` without importing the store (and DuckDB) on `import tocsin`.
    if name == "Store":
        from tocsin.store import Store

        return Store
    raise AttributeError(f"module 'tocsin' has no attribute {name!r}")
