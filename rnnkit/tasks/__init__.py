"""End-to-end jobs built on the layers and models; the command line calls these.

Each task (``language_model``, ``classification``, ``tagging``, ``forecasting``, ``seq2seq``)
exports ``train`` (taking its settings dataclass, :mod:`rnnkit.tasks.settings`), ``load``,
``evaluate`` (a report with ``as_text()``) and ``predict``; :mod:`rnnkit.tasks.registry` lists
them and tells a checkpoint's task; :mod:`rnnkit.tasks.runs` holds what their training shares.
"""
