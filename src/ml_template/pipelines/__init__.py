"""The project's pipelines, one folder each (``pipeline.py``: its wiring, imported only
when the pipeline is first asked for: see ``pipeline_registry``)."""
