"""Reports for publishing: the spend comparison by body and year (`foidata report spend`).

`read_figures` reads a dataset's money with each figure's sentence and source link; `spend_report` keeps a
topic's figures (topics.toml) and picks each body/kind/year cell's headline; the render_* modules print it
(terminal, CSV) or write it (HTML with an SVG chart, PNG).
"""

from foidata.output.report.figures import Figure, Quote, read_figures
from foidata.output.report.spend import Entry, SpendReport, spend_report
from foidata.output.report.topics import Topic, TopicError, load_topics

__all__ = [
    "Entry",
    "Figure",
    "Quote",
    "SpendReport",
    "Topic",
    "TopicError",
    "load_topics",
    "read_figures",
    "spend_report",
]
