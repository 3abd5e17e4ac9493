"""The package and pipeline versions (every coded fact carries the pipeline's)."""

__version__ = "0.1.0"
PIPELINE_VERSION = f"tocsin {__version__}"
