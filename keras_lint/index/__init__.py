"""The project index: each file summarised from its `ast` (`summarise.py`, into the records of
`model.py`), the summaries joined into a `ProjectIndex` (`project_index.py`), and where a file sits
in its project (`modules.py`). Reading files for the index happens here and nowhere else: a rule
gets the file it judges from its context, and other files only as their summaries."""

from .model import ModuleSummary
from .modules import is_marked_root, module_name, project_root
from .project_index import ProjectIndex
from .summarise import summarise, summarise_path, summarise_source

__all__ = [
    "ModuleSummary", "ProjectIndex", "is_marked_root", "module_name", "project_root",
    "summarise", "summarise_path", "summarise_source",
]
