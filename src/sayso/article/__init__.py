"""Stage 2, article: the article text and metadata out of a page, its noise marked as regions."""

from sayso.article.extract import extract_article
from sayso.article.ids import article_id
from sayso.article.noise import find_regions

__all__ = ["article_id", "extract_article", "find_regions"]
