"""Scaling ingest out: partitions of the corpus processed by workers, merged in order.

`tocsin ingest --engine local|dask` plans partitions (`partition`), has workers extract
each into a Parquet file inside a crash-isolated sandbox process (`worker`, `sandbox`),
and merges the files into the store in partition order, idempotently (`merge`), so that
the store equals the one a serial run builds, whatever failed and was retried on the way.
"""
