"""Data, not code: the seed catalogue (``seed_catalogue.py``) and the builders that keep it
readable. Nothing here writes; ``catalog.seed`` loads it."""
