"""Training the packaged event model: the examples (`dataset`) and the fit (`train`).

Above the pipeline and evaluation in the layers: it runs the rule coder over training
texts and reads the shared training splits; nothing at run time imports it.
"""
