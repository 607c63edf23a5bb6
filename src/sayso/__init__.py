"""sayso: on whose say-so? A ledger of attributed claims from news articles.

The pipeline, one subpackage a stage: ``read`` (inputs -> raw documents), ``article``
(raw documents -> clean article text and metadata), ``analyse`` (attributions, speakers,
stance), ``link`` (claims and speakers across articles), ``store`` (the ledger database),
``serve`` (web UI and HTTP API). ``records`` holds the typed records passed between them.
"""

from sayso.errors import InputError, SaysoError, UsageError
from sayso.records import (
    AnalysedArticle,
    Article,
    Attribution,
    Entity,
    RawDocument,
    Region,
    Role,
    Source,
)

__version__ = "0.1.0"

__all__ = [
    "AnalysedArticle",
    "Article",
    "Attribution",
    "Entity",
    "InputError",
    "RawDocument",
    "Region",
    "Role",
    "SaysoError",
    "Source",
    "UsageError",
    "__version__",
]
