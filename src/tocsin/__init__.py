"""tocsin: conflict and security reporting in, evidence-linked event data out."""

__version__ = "0.1.0"
PIPELINE_VERSION = f"tocsin {__version__}"
