"""Training and rendering tools: build the LM, dictionaries and confusion tables; render synthetic scans.

The runtime pipeline never imports this package; the `planparse lm …` commands, tests and benches do.
"""
