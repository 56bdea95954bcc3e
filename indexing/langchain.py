"""LangChain's retriever interface over any ``Retriever``: ``Document``s carrying the article key and scores.

The core search stays callable without LangChain; this adapter is only the boundary the assistant composes with.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from indexing.types import Filters, Hit


class LegalRetriever(BaseRetriever):
    """``retriever.invoke("câu hỏi")`` → articles as ``Document``s.

    ``index`` is any object with ``search(query, k, filters) -> list[Hit]``; when it also has ``records`` (a mapping
    from article key to ``ArticleRecord``, as ``CorpusIndex`` does) the page content is the whole article, otherwise
    the hit's snippet.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any
    k: int = 10
    filters: Filters | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                ) -> list[Document]:
        return [self.to_document(h) for h in self.index.search(query, self.k, self.filters)]

    def to_document(self, hit: Hit) -> Document:
        records = getattr(self.index, "records", None)
        record = records.get(hit.key) if records else None
        text = record.full_text if record else f"{hit.title}\n{hit.snippet}".strip()
        return Document(
            page_content=text,
            metadata={
                "document_id": hit.key[0],
                "article": hit.key[1],
                "document_title": hit.doc_title,
                "title": hit.title,
                "rank": hit.rank,
                "score": hit.score,
                "scores": dict(hit.scores),
                "path": list(record.path) if record else [],
            },
        )
